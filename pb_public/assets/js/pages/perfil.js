// Perfil: edit name, phone and goal; change the password; the census
// section with the status, the polling place or novedad, and the refresh
// button with its cooldown. Live.
import { h, replace } from "../dom.js";
import { field, title, busy, toast, badge, adminCard, facts, formAlert, showFieldErrors } from "../ui.js";
import { pb, me, store, login, logout, message, isSuperuser } from "../session.js";
import { resetLive } from "../live.js";
import { watchOwn } from "../own.js";
import { describe, inFlight, cancelled, showsPlace, placeName, mapLink } from "../census.js";
import { mapAnchor } from "../leaders.js";
import { ago, formatCedula, formatDateTime, parseDate } from "../format.js";
import {
  checkName, checkPhone, checkGoal, checkPassword, checkConfirm, PASSWORD_HINT, filterName, filterPhone, filterDigits,
} from "../validate.js";

export default async function perfil(root, { navigate }) {
  if (isSuperuser()) {
    root.append(title("Perfil"), adminCard("Tu cuenta de administrador se gestiona en el panel de administración."));
    return;
  }
  const user = me();
  const timers = new Set();

  // --- Tus datos
  const name = field({ label: "Nombre completo", name: "name", autocomplete: "name", value: user.name, check: checkName, filter: filterName });
  const phone = field({
    label: "Celular", name: "phone", type: "tel", inputmode: "tel", autocomplete: "tel-national",
    value: user.phone, check: checkPhone, filter: filterPhone,
  });
  const goal = field({
    label: "Meta de referidos", name: "referral_goal", inputmode: "numeric", value: String(user.referral_goal ?? 0),
    hint: "Cuántas personas quieres invitar. 0 si no tienes meta.", check: checkGoal, filter: filterDigits,
  });
  const dataError = formAlert();
  const saveBtn = h("button", { type: "submit", class: "btn primary" }, "Guardar cambios");
  const dataForm = h("form", { novalidate: true, class: "card form", "aria-labelledby": "datos-h" },
    h("h2", { id: "datos-h" }, "Tus datos"),
    h("p", { class: "readonly" }, "Cédula: ", h("strong", {}, formatCedula(user.cedula)),
      h("span", { class: "hint" }, " (para cambiarla, pide ayuda al administrador)")),
    name.el, phone.el, goal.el, dataError.el, saveBtn);
  dataForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    dataError.clear();
    const bad = [name, phone, goal].filter((f) => !f.validate());
    if (bad.length) { bad[0].input.focus(); return; }
    const cur = me();
    const body = {};
    if (name.value.trim() !== cur.name) body.name = name.value;
    if (phone.value.trim() !== cur.phone) body.phone = phone.value;
    if (Number(goal.value) !== cur.referral_goal) body.referral_goal = Number(goal.value);
    if (!Object.keys(body).length) { toast("No hay cambios que guardar.", "info", 3000); return; }
    await busy(saveBtn, "Guardando…", async () => {
      try {
        const rec = await pb.collection("users").update(cur.id, body);
        store.save(store.token, rec);
        name.value = rec.name; phone.value = rec.phone; goal.value = String(rec.referral_goal);
        toast("Cambios guardados.", "ok");
      } catch (err) {
        showFieldErrors(err, { name, phone, referral_goal: goal });
        dataError.fail(err);
      }
    });
  });

  // --- Contraseña
  const oldPassword = field({ label: "Contraseña actual", name: "oldPassword", type: "password", autocomplete: "current-password", check: (v) => (v ? "" : "Ingresa tu contraseña actual.") });
  const password = field({ label: "Contraseña nueva", name: "password", type: "password", autocomplete: "new-password", hint: PASSWORD_HINT, check: checkPassword });
  const confirm = field({ label: "Repite la contraseña nueva", name: "passwordConfirm", type: "password", autocomplete: "new-password", check: (v) => checkConfirm(password.value, v) });
  const pwError = formAlert();
  const pwBtn = h("button", { type: "submit", class: "btn secondary" }, "Cambiar contraseña");
  const pwForm = h("form", { novalidate: true, class: "card form", "aria-labelledby": "pw-h" },
    h("h2", { id: "pw-h" }, "Cambiar contraseña"), oldPassword.el, password.el, confirm.el, pwError.el, pwBtn);
  pwForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    pwError.clear();
    const bad = [oldPassword, password, confirm].filter((f) => !f.validate());
    if (bad.length) { bad[0].input.focus(); return; }
    await busy(pwBtn, "Cambiando…", async () => {
      const cur = me();
      try {
        await pb.collection("users").update(cur.id, {
          oldPassword: oldPassword.value, password: password.value, passwordConfirm: confirm.value,
        });
      } catch (err) {
        showFieldErrors(err, { oldPassword, password, passwordConfirm: confirm });
        pwError.fail(err);
        return;
      }
      // The change signs out every session; sign this one back in.
      try {
        await login(cur.cedula, password.value, store.remember);
        toast("Contraseña cambiada.", "ok");
      } catch {
        logout(); resetLive();
        await navigate("/ingreso");
        return;
      }
      for (const f of [oldPassword, password, confirm]) f.value = "";
    });
  });

  // --- Censo
  const badgeSlot = h("span", {});
  const meaning = h("p", { class: "meaning" });
  const details = h("div", { class: "details" });
  const checkedAt = h("p", { class: "hint" });
  const cooldown = h("p", { class: "cooldown" }); // ticks every second: not a live region
  const announce = h("p", { class: "visually-hidden", role: "status", "aria-live": "polite" });
  const refreshBtn = h("button", { type: "button", class: "btn secondary" }, "Consultar de nuevo");
  const live = h("div", { "aria-live": "polite", "data-testid": "own-status" }, badgeSlot, meaning);
  const censusCard = h("section", { class: "card census wide", id: "censo", "aria-labelledby": "censo-h" },
    h("h2", { id: "censo-h" }, "Tu inscripción en el censo"), live, details, checkedAt,
    h("div", { class: "actions" }, refreshBtn), cooldown, announce);
  let info = null;
  let until = 0;
  let cooldownSecs = 0; // the server's refresh cooldown (GET /api/census/queue)
  pb.send("/api/census/queue", {}).then((q) => { cooldownSecs = q.cooldown_seconds || 0; if (info) renderInfo(info); }).catch(() => {});

  function renderInfo(rec) {
    info = rec;
    const s = rec?.status;
    const d = describe(rec);
    live.dataset.status = s || "";
    replace(badgeSlot, badge(s, d));
    meaning.textContent = d.text;
    if (showsPlace(rec)) {
      const map = mapLink(rec);
      replace(details, facts([["Departamento", placeName(rec.departamento)], ["Municipio", placeName(rec.municipio)], ["Puesto", rec.puesto],
        ["Dirección", rec.direccion ? [rec.direccion, map ? [" · ", mapAnchor(map)] : null] : ""], ["Mesa", rec.mesa]]));
    } else if (cancelled(s) || rec?.novedad) {
      replace(details, facts([["Novedad", rec.novedad], ["Resolución", rec.resolucion], ["Fecha", rec.fecha_novedad]]));
    } else replace(details);
    // The cooldown shows before anyone asks: it runs from the last check.
    if (cooldownSecs && rec) {
      const last = Math.max(...["requested_at", "fetched_at", "updated"].map((f) => parseDate(rec[f])?.getTime() || 0));
      until = Math.max(until, last + cooldownSecs * 1000);
    }
    renderChecked();
    renderButton();
  }
  function renderChecked() {
    checkedAt.textContent = info?.fetched_at ? `Verificado ${ago(info.fetched_at)} (${formatDateTime(info.fetched_at)}).` : "Aún sin verificar.";
  }
  let counting = false;
  let limitMsg = ""; // the server's words when the day's own checks are used up
  function renderButton() {
    const left = Math.ceil((until - Date.now()) / 1000);
    if (left <= 0) limitMsg = "";
    if (left > 0 !== counting) {
      counting = left > 0;
      announce.textContent = counting ? limitMsg || `Podrás consultar de nuevo en ${left} segundos.` : "Ya puedes consultar de nuevo.";
    }
    if (left > 0) {
      refreshBtn.disabled = true;
      cooldown.textContent = limitMsg || `Podrás consultar de nuevo en ${left} ${left === 1 ? "segundo" : "segundos"}.`;
      cooldown.dataset.left = String(left);
    } else {
      refreshBtn.disabled = inFlight(info?.status);
      cooldown.textContent = inFlight(info?.status) ? "Hay una consulta en curso; el resultado aparecerá aquí." : "";
      cooldown.dataset.left = "0";
    }
  }
  const tick = setInterval(() => { renderButton(); }, 1000);
  const minute = setInterval(renderChecked, 30000);
  timers.add(tick); timers.add(minute);

  refreshBtn.addEventListener("click", async () => {
    refreshBtn.disabled = true;
    try {
      await pb.send("/api/census/refresh", { method: "POST" });
      toast("Consulta en cola. El resultado aparecerá aquí.", "ok");
    } catch (err) {
      const retry = err?.response?.data?.retry_after;
      if (err?.status === 429 && retry) {
        until = Date.now() + retry * 1000;
        if (err?.response?.data?.code === "daily_limit") limitMsg = message(err);
      } else toast(message(err), "warn");
    }
    renderButton();
  });

  // --- Eliminar
  const delBtn = h("button", { type: "button", class: "btn danger" }, "Eliminar mi cuenta");
  delBtn.addEventListener("click", async () => {
    if (!window.confirm("¿Eliminar tu cuenta y todos tus datos? Esta acción no se puede deshacer.")) return;
    try {
      await pb.collection("users").delete(me().id);
      logout(); resetLive();
      await navigate("/ingreso");
      toast("Tu cuenta y tus datos fueron eliminados.", "ok");
    } catch (err) { toast(message(err), "warn"); }
  });

  root.classList.add("two-col");
  root.append(title("Perfil"), censusCard, dataForm, pwForm,
    h("section", { class: "card wide", "aria-labelledby": "del-h" },
      h("h2", { id: "del-h" }, "Eliminar mi cuenta"),
      h("p", {}, "Borra tus datos y el resultado de tus consultas (", h("a", { href: "/politica-de-datos" }, "política de datos"), ")."),
      delBtn));
  renderInfo(null);
  if (location.hash === "#censo") censusCard.scrollIntoView();

  const stop = await watchOwn({
    onInfo: renderInfo,
    onUser: (u) => { if (document.activeElement?.form !== dataForm) { name.value = u.name; phone.value = u.phone; goal.value = String(u.referral_goal); } },
  });
  return () => { stop(); timers.forEach(clearInterval); };
}
