// Numbers, shares and dates as Indonesian readers write them (1.234; 45,6 %; 3 Des 2026).

const integer = new Intl.NumberFormat("id-ID", { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat("id-ID", { maximumFractionDigits: 1 });
const dateFormat = new Intl.DateTimeFormat("id-ID", { day: "numeric", month: "short", year: "numeric" });
const dateTimeFormat = new Intl.DateTimeFormat("id-ID", {
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});

export function formatNumber(value) {
  return value === null || value === undefined ? "–" : integer.format(value);
}

/** A share from 0 to 1 as a percentage with one decimal: 0.456 → "45,6 %". */
export function formatShare(value) {
  return value === null || value === undefined ? "–" : `${decimal.format(value * 100)} %`;
}

export function formatDate(value) {
  return value ? dateFormat.format(new Date(value)) : "–";
}

export function formatDateTime(value) {
  return value ? dateTimeFormat.format(new Date(value)) : "–";
}

export const ROLE_NAMES = {
  national_admin: "Admin nasional",
  province_staff: "Staf provinsi (BBGP/BGP/BPMP)",
  district_staff: "Staf Dinas kabupaten/kota",
  principal: "Kepala sekolah",
  community_lead: "Pengurus komunitas",
  member: "Anggota",
};

export const PHASE_NAMES = {
  refleksi_awal: "Refleksi awal",
  perencanaan: "Perencanaan",
  implementasi: "Implementasi",
  evaluasi: "Evaluasi",
};

export const MODE_NAMES = { luring: "Luring", daring: "Daring", hybrid: "Hibrida" };
