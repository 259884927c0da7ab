// The data-processing policy people accept (Ley 1581 de 2012, Decreto 1377
// de 2013, SIC Circular Externa 002 de 2026). The controller and the
// version in force come from the campaign record; POLICY_VERSION is the
// version this text was written as (schema.PolicyVersion), shown when the
// record cannot be read.
import { h } from "../dom.js";
import { title } from "../ui.js";
import { campaign } from "../brand.js";
import { loggedIn } from "../session.js";
import { formatLongDate } from "../format.js";

export const POLICY_VERSION = "2026-12";

export default async function politica(root) {
  const c = await campaign();
  const version = c.policy_version || POLICY_VERSION;
  const who = c.controller_name || c.name;
  const s = (heading, ...paras) => h("section", {}, h("h2", {}, heading), paras.map((p) => (typeof p === "string" ? h("p", {}, p) : p)));
  const contact = [
    ["Responsable", who],
    ["NIT o cédula", c.controller_id],
    ["Dirección", c.controller_address],
    ["Correo", c.controller_email],
    ["Teléfono", c.controller_phone],
  ].filter(([, v]) => v);
  root.append(
    title("Política de tratamiento de datos personales"),
    h("p", { class: "lead" }, `Versión ${version}. Al registrarte en ${c.name} aceptas esta política; si cambia, te pediremos aceptarla de nuevo en tu siguiente visita.`),
    h("div", { class: "card prose" },
      s("Quién trata tus datos",
        `${who} es el responsable del tratamiento de tus datos personales, conforme a la Ley 1581 de 2012, el Decreto 1377 de 2013 y la Circular Externa 002 de 2026 de la Superintendencia de Industria y Comercio.`,
        h("dl", { class: "facts", "data-testid": "controller" }, contact.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]))),
      s("Qué datos recogemos",
        "Tu nombre completo, número de cédula, celular, la contraseña (guardada cifrada: nadie puede leerla), quién te invitó, el resultado de la consulta de tu cédula en el censo electoral y cada autorización que das o retiras, con su fecha, la versión de esta política y la huella (SHA-256) del texto exacto que aceptaste."),
      s("Dato sensible: tu afinidad política",
        "Registrarte en la red de una campaña revela tu afinidad política, que la ley considera un dato sensible (Ley 1581, artículo 5). No estás obligado a autorizar su tratamiento ni a responder preguntas sobre datos sensibles. Si no lo autorizas, no podrás usar la aplicación, y eso no tiene ninguna otra consecuencia para ti."),
      s("Para qué los usamos",
        "1) Organizar la red de referidos de la campaña: que quien te invitó y sus líderes sepan que te registraste. " +
        "2) Verificar tu inscripción en el censo electoral: consultamos tu cédula en la página pública de la Registraduría Nacional del Estado Civil y te mostramos tu lugar de votación o cualquier novedad.",
        "Solo si lo autorizas por separado (es opcional y viene desmarcado): contactarte por WhatsApp o SMS. Nunca te agregaremos a listas ni envíos masivos sin esa autorización previa; puedes retirarla en tu perfil cuando quieras."),
      s("Quién puede verlos",
        "Tú ves todos tus datos. Quien te invitó ve tu nombre y la fecha de tu registro. Si quien te invitó es líder, y los líderes y coordinadores por encima de él en la red, también ven tu cédula, tu celular y el resultado de la consulta, para ayudarte a votar. Los administradores de la campaña pueden ver todo. No vendemos ni compartimos tus datos con terceros; cada exportación de datos de otras personas queda registrada."),
      s("Tus derechos",
        "Puedes conocer, actualizar y rectificar tus datos; descargar todos tus datos (en tu perfil, «Descargar mis datos»); cambiar la autorización de contacto; revocar tu autorización y pedir la supresión de tus datos, tan fácil como la diste: en tu perfil, «Retirar mi autorización y eliminar mi cuenta», de inmediato. También puedes presentar quejas ante la Superintendencia de Industria y Comercio."),
      s("Consultas y reclamos",
        "Responderemos las consultas en un máximo de diez (10) días hábiles y los reclamos en un máximo de quince (15) días hábiles desde que los recibimos, por los medios de contacto del responsable indicados arriba. Si no podemos ingresar tu solicitud por la aplicación, pide a quien te invitó que contacte al administrador de la campaña."),
      s("Cuándo se borran tus datos",
        `Si retiras tu autorización, tu cuenta, tu consulta del censo y su evidencia se borran de inmediato; las personas que tú invitaste siguen en la red, bajo quien te invitó a ti. Después de la elección${c.election_date ? ` del ${formatLongDate(c.election_date)}` : ""}, la campaña programa el borrado de la evidencia de las consultas y luego de todos los datos personales: el servidor los borra en esas fechas y deja constancia de ello.`),
    ),
    h("p", {}, loggedIn() ? h("a", { href: "/perfil" }, "Ir a tu perfil") : h("a", { href: "/registro" }, "Volver al registro")),
  );
}
