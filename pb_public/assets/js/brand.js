// The campaign's brand: its name, colour and logo from the campaign record
// (set by a superuser in the dashboard), applied to the header, the page
// title and the theme colour on every load, so a change needs no redeploy.
// The record also says which policy version is in force.
import { pb } from "./session.js";

const DEFAULTS = { name: "Padrón", short_name: "Padrón", primary_color: "#0b4f8a", policy_version: "" };

let loaded = null;

/** campaign resolves to the campaign's public fields (defaults when unreachable). */
export function campaign() {
  if (!loaded) {
    loaded = pb.collection("campaign").getList(1, 1, { sort: "created", requestKey: null })
      .then((res) => ({ ...DEFAULTS, ...(res.items[0] || {}) }))
      .catch(() => ({ ...DEFAULTS }));
  }
  return loaded;
}

/** brandName is the campaign's name as the page title ends. */
export function brandName() {
  return document.documentElement.dataset.brand || DEFAULTS.name;
}

/** logoURL is the campaign logo's thumbnail, or "" when there is none. */
export function logoURL(c, size = "192x192") {
  if (!c?.logo) return "";
  return `/api/files/${encodeURIComponent(c.collectionId)}/${encodeURIComponent(c.id)}/${encodeURIComponent(c.logo)}?thumb=${size}`;
}

// darker returns hex darkened by amount (0..1), for hover states.
function darker(hex, amount) {
  const n = parseInt(hex.slice(1), 16);
  const f = (v) => Math.max(0, Math.round(v * (1 - amount)));
  const r = f(n >> 16), g = f((n >> 8) & 255), b = f(n & 255);
  return `#${((1 << 24) | (r << 16) | (g << 8) | b).toString(16).slice(1)}`;
}

/** applyBrand paints the header, the title and the theme colour. */
export async function applyBrand() {
  const c = await campaign();
  const root = document.documentElement;
  root.dataset.brand = c.name;
  if (/^#[0-9a-fA-F]{6}$/.test(c.primary_color)) {
    root.style.setProperty("--blue", c.primary_color);
    root.style.setProperty("--blue-dark", darker(c.primary_color, 0.25));
    document.querySelector('meta[name="theme-color"]')?.setAttribute("content", c.primary_color);
  }
  const name = document.querySelector(".brand-name");
  if (name) name.textContent = c.name;
  const img = document.querySelector(".brand img");
  const logo = logoURL(c, "100x100");
  if (img && logo) img.src = logo;
  document.title = document.title.replace(/ · [^·]*$/, ` · ${c.name}`);
  return c;
}
