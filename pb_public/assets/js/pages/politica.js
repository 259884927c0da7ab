// The data-processing policy people accept when they register (Ley 1581 de
// 2012). Its version must match hooks.PolicyVersion.
import { h } from "../dom.js";
import { title } from "../ui.js";

export const POLICY_VERSION = "2026-12";

export default function politica(root) {
  const s = (heading, ...paras) => h("section", {}, h("h2", {}, heading), paras.map((p) => h("p", {}, p)));
  root.append(
    title("Política de tratamiento de datos personales"),
    h("p", { class: "lead" }, `Versión ${POLICY_VERSION}. Al registrarte en Padrón aceptas esta política.`),
    h("div", { class: "card prose" },
      s("Quién trata tus datos",
        "La campaña que usa Padrón es responsable de tus datos personales, conforme a la Ley 1581 de 2012 y el Decreto 1377 de 2013."),
      s("Qué datos recogemos",
        "Tu nombre completo, número de cédula, celular, la contraseña (guardada cifrada, nadie puede leerla), quién te invitó y la fecha en que aceptaste esta política."),
      s("Para qué los usamos",
        "Para verificar tu inscripción en el censo electoral: consultamos tu cédula en la página pública de la Registraduría Nacional del Estado Civil y te mostramos tu lugar de votación o cualquier novedad. " +
        "También para que la persona que te invitó sepa que te registraste y, si es líder de la campaña, pueda ver el estado de tu consulta para ayudarte."),
      s("Quién puede verlos",
        "Tú ves todos tus datos. Quien te invitó ve tu nombre y la fecha de tu registro. El resultado de tu consulta en el censo, tu cédula y tu celular los ven quien te invitó, si es líder, y los líderes y coordinadores que están por encima de ti en la red de la campaña (quien invitó a quien te invitó, y así hacia arriba). Nadie más de la red los ve. Los administradores de la campaña pueden ver todo. No vendemos ni compartimos tus datos con terceros."),
      s("Tus derechos",
        "Puedes conocer, actualizar y rectificar tus datos en la página Perfil, y retirar tu autorización eliminando tu cuenta desde allí: se borran tus datos y el resultado de tus consultas. Las personas que tú invitaste siguen en la red, bajo quien te invitó a ti."),
      s("Cómo pedir la eliminación",
        "Entra a Perfil y usa «Eliminar mi cuenta». Si no puedes ingresar, pide a la persona que te invitó que contacte al administrador de la campaña, quien debe eliminar tus datos en un plazo máximo de quince (15) días hábiles."),
    ),
    h("p", {}, h("a", { href: "/registro" }, "Volver al registro")),
  );
}
