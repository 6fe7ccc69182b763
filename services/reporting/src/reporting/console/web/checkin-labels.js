// What the check-in page says about a scan and a session, in Indonesian.

const REFUSALS = {
  ticket_invalid: "Tiket tidak sah atau tidak dikenal. Minta peserta membuka tiket terbarunya.",
  wrong_session: "Tiket ini untuk sesi lain. Arahkan peserta ke lokasi sesinya.",
  registration_cancelled: "Pendaftaran peserta ini sudah dibatalkan.",
  registration_waitlisted: "Peserta masih di daftar tunggu, belum mendapat kursi di sesi ini.",
  scanned_in_future: "Jam perangkat ini salah (waktu pindai di masa depan). Periksa tanggal dan jam.",
  scanned_out_of_range: "Jam perangkat ini salah (jauh dari waktu sesi). Periksa tanggal dan jam.",
  session_not_found: "Sesi tidak ditemukan atau bukan sesi wilayah Anda.",
  session_cancelled: "Sesi ini sudah dibatalkan.",
  checkin_forbidden: "Akun ini tidak berhak mencatat kehadiran. Masuk sebagai panitia.",
};

const clock = new Intl.DateTimeFormat("id-ID", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
const day = new Intl.DateTimeFormat("id-ID", {
  weekday: "long",
  day: "numeric",
  month: "long",
  year: "numeric",
  timeZone: "UTC",
});

export function localTime(iso) {
  return iso ? clock.format(new Date(iso)) : "";
}

/** "Senin, 25 Mei 2026 08.00–16.00 WITA": the local time of a training session or an
 * activity (`local_start`, optional `local_end`, `timezone` as activities gives them), as
 * written at its place, whatever the device's zone. */
export function localWhen(s) {
  const [date, time] = (s.local_start ?? "").split("T");
  const [y, m, d] = (date ?? "").split("-").map(Number);
  if (!y) return "";
  const when = `${day.format(new Date(Date.UTC(y, m - 1, d)))} ${time.slice(0, 5).replace(":", ".")}`;
  const until = s.local_end ? `–${s.local_end.slice(11, 16).replace(":", ".")}` : "";
  return `${when}${until} ${s.timezone ?? ""}`.trim();
}

/** "S01 · Aula Dinas · Kota Makassar · Senin, 25 Mei 2026 08.00–16.00 WITA". */
export function sessionLabel(s) {
  return [s.code, s.venue, s.kabkota_name, localWhen(s)].filter(Boolean).join(" · ");
}

/** The status of a scan as a committee member reads it. */
export function describe(scan) {
  if (scan.state === "queued") return "Sah, menunggu dikirim";
  if (scan.state === "sending") return "Sedang dikirim";
  if (scan.result === "ok") return "Hadir, tercatat";
  if (scan.result === "already_checked_in") {
    const at = scan.checked_in_at ? ` pukul ${localTime(scan.checked_in_at)}` : "";
    return `Sudah tercatat hadir sebelumnya${at} (di perangkat lain atau pindaian lain)`;
  }
  return REFUSALS[scan.code] ?? scan.message ?? `Ditolak (${scan.code})`;
}

export function isConflict(scan) {
  return (scan.state === "done" || scan.state === "refused") && scan.result !== "ok";
}
