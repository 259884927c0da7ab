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

// luminance is hex's relative luminance (WCAG 2).
function luminance(hex) {
  const n = parseInt(hex.slice(1), 16);
  const lin = (v) => { const c = v / 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * lin(n >> 16) + 0.7152 * lin((n >> 8) & 255) + 0.0722 * lin(n & 255);
}

/** contrastWithWhite is the WCAG contrast ratio of white text on hex. */
export function contrastWithWhite(hex) {
  return 1.05 / (luminance(hex) + 0.05);
}

/**
 * readable is hex darkened just enough for white text on it (the header,
 * its current menu item under a white veil, the buttons) and for it as
 * text on the page's light grey to pass WCAG AA (a ratio of 5 with white
 * leaves room for the grey): a campaign may pick a light colour; the app
 * stays legible.
 */
export function readable(hex) {
  for (let a = 0; a < 1; a += 0.05) {
    const c = darker(hex, a);
    if (contrastWithWhite(c) >= 5 && contrastWithWhite(whitened(c, 0.18)) >= 4.5) return c;
  }
  return "#000000";
}

// whitened is hex seen under a white veil of alpha: the menu's current and
// hovered items (rgba(255,255,255,.18) on the header).
function whitened(hex, alpha) {
  const n = parseInt(hex.slice(1), 16);
  const f = (v) => Math.round(v * (1 - alpha) + 255 * alpha);
  return `#${((1 << 24) | (f(n >> 16) << 16) | (f((n >> 8) & 255) << 8) | f(n & 255)).toString(16).slice(1)}`;
}

/** applyBrand paints the header, the title and the theme colour. */
export async function applyBrand() {
  const c = await campaign();
  const root = document.documentElement;
  root.dataset.brand = c.name;
  if (/^#[0-9a-fA-F]{6}$/.test(c.primary_color)) {
    const ink = readable(c.primary_color);
    root.style.setProperty("--blue", ink);
    root.style.setProperty("--blue-dark", darker(ink, 0.25));
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
