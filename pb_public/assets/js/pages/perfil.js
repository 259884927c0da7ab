// Perfil: edit name, phone and goal; change the password; the census
// section with the status, the polling place or novedad, and the refresh
// button with its cooldown. Live.
import { h, replace } from "../dom.js";
import { field, title, busy, toast, badge, adminCard, facts, formAlert, showFieldErrors } from "../ui.js";
import { pb, me, store, login, logout, message, isSuperuser } from "../session.js";
import { resetLive } from "../live.js";
import { watchOwn } from "../own.js";
import { consentState, setConsent } from "../policy.js";
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

  // --- Tus datos personales (habeas data): export, messaging, record, withdrawal
  const habeas = habeasSection(navigate);
  root.classList.add("two-col");
  root.append(title("Perfil"), censusCard, dataForm, pwForm, habeas);
  renderInfo(null);
  if (location.hash === "#censo") censusCard.scrollIntoView();

  const stop = await watchOwn({
    onInfo: renderInfo,
    onUser: (u) => { if (document.activeElement?.form !== dataForm) { name.value = u.name; phone.value = u.phone; goal.value = String(u.referral_goal); } },
  });
  return () => { stop(); timers.forEach(clearInterval); };
}

const PURPOSES = { processing: "Tratamiento de tus datos para la red y el censo", messaging: "Contacto por WhatsApp o SMS" };

/**
 * habeasSection is the profile's "Tus datos personales": download all of
 * one's data (JSON or a readable page), the messaging authorisation, the
 * record of every authorisation, and withdrawal in one step (it deletes
 * the account) behind one clear confirmation.
 */
function habeasSection(navigate) {
  const status = h("p", { class: "visually-hidden", role: "status", "aria-live": "polite" });
  const download = async (format, button) => {
    await busy(button, "Preparando…", async () => {
      try {
        const res = await fetch(`/api/me/export${format === "html" ? "?format=html" : ""}`, {
          headers: { Authorization: pb.authStore.token },
        });
        if (!res.ok) throw Object.assign(new Error("export"), { status: res.status });
        const blob = await res.blob();
        const a = h("a", { href: URL.createObjectURL(blob), download: format === "html" ? "mis-datos.html" : "mis-datos.json", hidden: true });
        document.body.append(a);
        a.click();
        setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 60000);
        status.textContent = "Descarga lista.";
      } catch (err) { toast(message(err, "No pudimos preparar tus datos. Inténtalo de nuevo."), "warn"); }
    });
  };
  const jsonBtn = h("button", { type: "button", class: "btn secondary", "data-testid": "export-json" }, "Descargar mis datos (JSON)");
  const htmlBtn = h("button", { type: "button", class: "btn secondary", "data-testid": "export-html" }, "Descargar mis datos (página legible)");
  jsonBtn.addEventListener("click", () => download("json", jsonBtn));
  htmlBtn.addEventListener("click", () => download("html", htmlBtn));

  const contactId = "contact-consent";
  const contact = h("input", { type: "checkbox", id: contactId, name: "contact_consent", disabled: true });
  const contactLabel = h("label", { for: contactId }, "Autorizo que me contacten por WhatsApp o SMS (opcional).");
  const history = h("ul", { class: "consent-history", "data-testid": "consent-history" });
  let texts = null;
  const render = (st) => {
    texts = st.texts;
    contact.checked = !!st.contact_consent;
    contact.disabled = false;
    contactLabel.textContent = st.texts.messaging.text;
    replace(history, st.history.slice().reverse().map((c) => h("li", {},
      h("strong", {}, `${c.granted ? "Otorgada" : "Retirada"}: `), PURPOSES[c.purpose] || c.purpose,
      h("span", { class: "hint" }, ` · ${formatDateTime(c.created)} · versión ${c.policy_version}`))));
    if (!st.history.length) replace(history, h("li", {}, "Aún no hay autorizaciones registradas."));
  };
  consentState().then(render).catch((err) => replace(history, h("li", {}, message(err))));
  contact.addEventListener("change", async () => {
    const want = contact.checked;
    contact.disabled = true;
    try {
      render(await setConsent("messaging", want, texts?.messaging));
      toast(want ? "Autorizaste el contacto por WhatsApp o SMS." : "Retiraste la autorización de contacto por WhatsApp o SMS.", "ok");
    } catch (err) {
      contact.checked = !want;
      contact.disabled = false;
      toast(message(err), "warn");
    }
  });

  // Withdrawal: one button, then one confirmation that says what happens.
  const withdrawBtn = h("button", { type: "button", class: "btn danger" }, "Retirar mi autorización y eliminar mi cuenta");
  const confirmBtn = h("button", { type: "button", class: "btn danger", "data-testid": "withdraw-confirm" }, "Sí, retirar y eliminar mi cuenta");
  const cancelBtn = h("button", { type: "button", class: "btn ghost" }, "Cancelar");
  const confirmBox = h("div", { class: "note", role: "alert", hidden: true, "data-testid": "withdraw-warning" },
    h("p", {}, h("strong", {}, "Esto no se puede deshacer. "),
      "Dejaremos de tratar tus datos y borraremos ya tu cuenta, tu consulta del censo y su evidencia. Las personas que invitaste seguirán registradas, sin quien las invitó."),
    h("div", { class: "actions" }, confirmBtn, cancelBtn));
  // The button gives way to the warning (and back): .btn's display beats [hidden].
  withdrawBtn.addEventListener("click", () => { withdrawBtn.replaceWith(confirmBox); confirmBox.hidden = false; confirmBtn.focus(); });
  cancelBtn.addEventListener("click", () => { confirmBox.replaceWith(withdrawBtn); withdrawBtn.focus(); });
  confirmBtn.addEventListener("click", async () => {
    await busy(confirmBtn, "Eliminando…", async () => {
      try {
        await setConsent("processing", false);
      } catch (err) { toast(message(err), "warn"); return; }
      logout(); resetLive();
      await navigate("/ingreso");
      toast("Retiraste tu autorización. Tu cuenta y tus datos fueron eliminados.", "ok");
    });
  });

  return h("section", { class: "card wide habeas", id: "datos-personales", "aria-labelledby": "habeas-h" },
    h("h2", { id: "habeas-h" }, "Tus datos personales"),
    h("p", {}, "Puedes descargar todo lo que guardamos sobre ti, decidir si te contactamos y retirar tu autorización (",
      h("a", { href: "/politica-de-datos" }, "política de datos"), ")."),
    h("div", { class: "actions" }, jsonBtn, htmlBtn), status,
    h("h3", {}, "Contacto por WhatsApp o SMS"),
    h("div", { class: "field check" }, contact, contactLabel),
    h("h3", {}, "Tus autorizaciones"), history,
    h("h3", {}, "Retirar tu autorización"),
    h("p", {}, "Retirarla es tan fácil como darla: dejamos de tratar tus datos y eliminamos tu cuenta de inmediato."),
    withdrawBtn, confirmBox);
}
