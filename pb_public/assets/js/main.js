// The app's entry: a small History-API router, the navigation bar and the
// session check on every visit.
import { h, replace } from "./dom.js";
import { pb, store, me, loggedIn, isSuperuser, isLeader, refresh, logout, SESSION_KEY } from "./session.js";
import { resetLive } from "./live.js";
import { applyBrand } from "./brand.js";
import aceptar from "./pages/aceptar.js";
import registro from "./pages/registro.js";
import reclamo from "./pages/reclamo.js";
import ingreso from "./pages/ingreso.js";
import inicio from "./pages/inicio.js";
import perfil from "./pages/perfil.js";
import referidos from "./pages/referidos.js";
import red from "./pages/red.js";
import politica from "./pages/politica.js";
import notFound from "./pages/notfound.js";
import diad from "./pages/diad.js";
import listas from "./pages/listas.js";
import testigo from "./pages/testigo.js";
import mesas from "./pages/mesas.js";

const routes = {
  "/registro": { render: registro, guest: true },
  "/reclamo": { render: reclamo, guest: true },
  "/ingreso": { render: ingreso, guest: true },
  "/inicio": { render: inicio, auth: true },
  "/perfil": { render: perfil, auth: true },
  "/referidos": { render: referidos, auth: true },
  "/red": { render: red, auth: true, class: "red" },
  "/politica-de-datos": { render: politica },
  "/dia-d": { render: diad, auth: true },
  "/dia-d/listas": { render: listas, auth: true },
  "/dia-d/testigo": { render: testigo, auth: true },
  "/dia-d/mesas": { render: mesas, auth: true },
};

// Pages a person who must accept a new policy version may still see.
const beforeAcceptance = new Set(["/politica-de-datos"]);

const brand = applyBrand();

const main = document.getElementById("main");
const nav = document.getElementById("nav");
let cleanup = null;
let seq = 0;

/** navigate shows path (with its query) and records it in the history. */
export function navigate(to, { replace: rep = false } = {}) {
  if (rep) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  return show(true);
}

function renderNav(path) {
  const link = (href, text) => h("a", { href, "aria-current": path === href ? "page" : null }, text);
  const items = [];
  if (loggedIn()) {
    items.push(link("/inicio", "Inicio"), link("/referidos", "Referidos"));
    if (isLeader()) items.push(link("/red", "Red"), link("/dia-d", "Día D"));
    if (!isSuperuser()) items.push(link("/perfil", "Perfil"));
    if (isSuperuser()) items.push(h("a", { href: "/_/" }, "Administración"));
    items.push(h("button", {
      type: "button", class: "link", onClick: async () => { logout(); resetLive(); await navigate("/ingreso"); },
    }, "Salir"));
  } else {
    items.push(link("/ingreso", "Ingresar"), link("/registro", "Registrarme"));
  }
  replace(nav, h("ul", {}, items.map((i) => h("li", {}, i))));
}

async function show(focus) {
  const my = ++seq;
  let path = location.pathname.replace(/\/+$/, "") || "/";
  if (path === "/") {
    path = loggedIn() ? "/inicio" : "/ingreso";
    history.replaceState(null, "", path);
  }
  const route = routes[path];
  if (route?.auth && !loggedIn()) {
    const next = encodeURIComponent(path + location.search);
    history.replaceState(null, "", `/ingreso?next=${next}`);
    return show(focus);
  }
  if (route?.guest && loggedIn()) {
    history.replaceState(null, "", "/inicio");
    return show(focus);
  }
  if (cleanup) { try { cleanup(); } catch { /* a page's cleanup must not stop navigation */ } cleanup = null; }
  renderNav(path);
  document.body.dataset.ready = "";
  const params = new URLSearchParams(location.search);
  let render = route ? route.render : notFound;
  if (loggedIn() && !isSuperuser() && !beforeAcceptance.has(path)) {
    const c = await brand;
    if (my !== seq) return;
    if (c.policy_version && me()?.data_policy_version !== c.policy_version) render = aceptar;
  }
  const container = h("div", { class: route?.class ? `page ${route.class}` : "page" });
  replace(main, container);
  try {
    const c = await render(container, { navigate, params, path });
    if (my !== seq) { if (typeof c === "function") c(); return; }
    cleanup = typeof c === "function" ? c : null;
  } catch (err) {
    console.error(err);
    replace(container, h("h1", { tabindex: "-1" }, "Algo salió mal"),
      h("p", {}, "No pudimos mostrar esta página. Recarga e inténtalo de nuevo."));
  }
  if (my !== seq) return;
  document.body.dataset.page = path.slice(1) || "inicio";
  document.body.dataset.ready = "1";
  if (!performance.getEntriesByName("padron-ready").length) performance.mark("padron-ready");
  if (focus) {
    const t = main.querySelector("h1");
    if (t) { t.setAttribute("tabindex", "-1"); t.focus(); }
    window.scrollTo(0, 0);
  }
}

document.addEventListener("click", (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = e.target.closest("a[href]");
  if (!a || a.target || a.hasAttribute("download")) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith("/_/") || url.pathname.startsWith("/api/") || url.pathname.startsWith("/r/")) return;
  e.preventDefault();
  if (url.pathname + url.search !== location.pathname + location.search) navigate(url.pathname + url.search + url.hash);
});
window.addEventListener("popstate", () => show(true));

// Another tab logged out or in: follow it.
pb.authStore.onChange(() => {
  if (!loggedIn() && routes[location.pathname]?.auth) navigate("/ingreso", { replace: true });
});

// Logout in another tab: the storage event says the session is gone.
window.addEventListener("storage", (e) => {
  if (e.key !== SESSION_KEY || e.newValue || !loggedIn() || !pb.authStore.token) return;
  if (!store.loggedOutElsewhere()) return; // another tab's new session, not a logout
  logout();
  resetLive();
});

// Render at once with the stored session; renew it meanwhile (a revoked
// session clears the store, and the listener above leaves the page).
show(false);
refresh();

// Installable app: the worker caches the shell and assets, never the API.
if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js").catch(() => {});
