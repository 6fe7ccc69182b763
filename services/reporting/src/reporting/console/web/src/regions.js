// Region names from membership's directory of Kemendagri codes, asked once per page load.

import { api } from "./api.js";

const cache = new Map();

/** The province's kabupaten/kota, [{code, name, display_name}], in code order. */
export function kabkotaOf(province) {
  const key = `kabkota:${province}`;
  if (!cache.has(key)) {
    cache.set(
      key,
      api("/membership/regions", { query: { province } }).then((answer) =>
        answer.items.filter((region) => region.code.includes(".")).sort((a, b) => a.code.localeCompare(b.code)),
      ),
    );
  }
  return cache.get(key).catch((error) => {
    cache.delete(key);
    throw error;
  });
}

/** One region {code, name, display_name}; null when the directory does not know it. */
export function region(code) {
  const key = `region:${code}`;
  if (!cache.has(key)) cache.set(key, api(`/membership/regions/${code}`).catch(() => null));
  return cache.get(key);
}
