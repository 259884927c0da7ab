package habeas

import (
	"fmt"
	"html/template"
	"net/http"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/campaign"
	"github.com/padron/padron/schema"
)

// Export is everything Padrón holds about one person, as GET /api/me/export
// answers it. What is about others is left out: the people they referred
// (their own data), a claimant's identity on a claim against their cédula,
// and the registrar's raw pages and screenshots kept as evidence.
type Export struct {
	ExportedAt     string           `json:"exported_at"`
	Controller     campaign.Public  `json:"controller"`
	User           map[string]any   `json:"user"`
	CedulaInfo     map[string]any   `json:"cedula_info"`
	CensusAttempts []map[string]any `json:"census_attempts"`
	Consents       []consentRecord  `json:"consents"`
	Claims         []map[string]any `json:"claims"`
	ReferidosCount int              `json:"referidos_count"`
}

// userFields are the user's own fields in the export (never the password
// hash or the token key).
var userFields = []string{
	"id", "name", "cedula", "phone", "email", "role", "referral_code", "referral_goal",
	"data_policy_accepted_at", "data_policy_version", "contact_consent", "created", "updated",
}

var infoFields = []string{
	"status", "departamento", "municipio", "puesto", "direccion", "mesa", "novedad", "resolucion",
	"fecha_novedad", "fetched_at", "error_message", "created", "updated",
}

var attemptFields = []string{"attempt", "source", "outcome", "success", "started_at", "duration_ms", "message"}

func pick(r *core.Record, fields []string) map[string]any {
	out := make(map[string]any, len(fields))
	for _, f := range fields {
		out[f] = r.Get(f)
	}
	return out
}

// Collect gathers user's export.
func Collect(app core.App, user *core.Record, now time.Time) (Export, error) {
	x := Export{
		ExportedAt: now.UTC().Format(time.RFC3339), Controller: campaign.Read(app),
		User: pick(user, userFields), CensusAttempts: []map[string]any{}, Claims: []map[string]any{},
	}
	if ref := user.GetString("referred_by"); ref != "" {
		x.User["referred_by"] = ref
		if r, err := app.FindRecordById(schema.UsersCollection, ref); err == nil {
			x.User["referred_by_name"] = r.GetString("name")
		}
	}
	if info, err := app.FindFirstRecordByData(schema.CedulaInfoCollection, "user", user.Id); err == nil {
		x.CedulaInfo = pick(info, infoFields)
	}
	attempts, err := app.FindRecordsByFilter(schema.AttemptsCollection, "user = {:id}", "started_at", 0, 0, dbx.Params{"id": user.Id})
	if err != nil {
		return x, fmt.Errorf("export %s: attempts: %w", user.Id, err)
	}
	for _, a := range attempts {
		x.CensusAttempts = append(x.CensusAttempts, pick(a, attemptFields))
	}
	if x.Consents, err = history(app, user.Id); err != nil {
		return x, fmt.Errorf("export %s: %w", user.Id, err)
	}
	// Claims this person filed that made their account: theirs in full.
	// Claims about their cédula by someone else: only that one exists.
	claims, err := app.FindRecordsByFilter(schema.ClaimsCollection, "new_user = {:id} || cedula = {:cedula}", "created", 0, 0,
		dbx.Params{"id": user.Id, "cedula": user.GetString("cedula")})
	if err != nil {
		return x, fmt.Errorf("export %s: claims: %w", user.Id, err)
	}
	for _, c := range claims {
		if c.GetString("new_user") == user.Id {
			m := pick(c, []string{"cedula", "name", "phone", "email", "status", "data_policy_version", "resolved_at", "created"})
			m["filed_by_you"] = true
			x.Claims = append(x.Claims, m)
			continue
		}
		x.Claims = append(x.Claims, map[string]any{
			"filed_by_you": false, "about": "Otra persona reportó que tu cédula es suya.",
			"status": c.GetString("status"), "created": c.Get("created"), "resolved_at": c.Get("resolved_at"),
		})
	}
	var n int
	if err := app.RecordQuery(schema.UsersCollection).Select("count(*)").
		AndWhere(dbx.HashExp{"referred_by": user.Id}).Row(&n); err != nil {
		return x, fmt.Errorf("export %s: referidos: %w", user.Id, err)
	}
	x.ReferidosCount = n
	return x, nil
}

func getExport(now func() time.Time) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		user, err := person(e)
		if err != nil {
			return err
		}
		x, err := Collect(e.App, user, now())
		if err != nil {
			return e.InternalServerError("No pudimos reunir tus datos. Inténtalo de nuevo.", err)
		}
		h := e.Response.Header()
		h.Set("Cache-Control", "no-store")
		switch e.Request.URL.Query().Get("format") {
		case "", "json":
			h.Set("Content-Disposition", `attachment; filename="mis-datos.json"`)
			return e.JSON(http.StatusOK, x)
		case "html":
			h.Set("Content-Type", "text/html; charset=utf-8")
			h.Set("Content-Disposition", `inline; filename="mis-datos.html"`)
			h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
			h.Set("X-Content-Type-Options", "nosniff")
			e.Response.WriteHeader(http.StatusOK)
			return exportPage.Execute(e.Response, x)
		default:
			return errBadFormat()
		}
	}
}

// exportPage is the readable export: plain HTML, no script, no style.
var exportPage = template.Must(template.New("export").Funcs(template.FuncMap{
	"label": func(k string) string {
		if l, ok := fieldLabels[k]; ok {
			return l
		}
		return k
	},
}).Parse(`<!doctype html>
<html lang="es"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mis datos · {{.Controller.Name}}</title></head>
<body><main>
<h1>Mis datos personales</h1>
<p>Exportado el {{.ExportedAt}}. Responsable del tratamiento: {{.Controller.Controller}}{{with .Controller.ControllerID}} (identificación {{.}}){{end}}.</p>
<h2>Tu cuenta</h2>
<dl>{{range $k, $v := .User}}<dt>{{label $k}}</dt><dd>{{$v}}</dd>{{end}}</dl>
<h2>Tu inscripción en el censo</h2>
{{with .CedulaInfo}}<dl>{{range $k, $v := .}}<dt>{{label $k}}</dt><dd>{{$v}}</dd>{{end}}</dl>{{else}}<p>Sin datos.</p>{{end}}
<h2>Consultas a la Registraduría</h2>
{{if .CensusAttempts}}<ol>{{range .CensusAttempts}}<li>{{.started_at}}: {{.outcome}}</li>{{end}}</ol>{{else}}<p>Ninguna guardada.</p>{{end}}
<h2>Tus autorizaciones</h2>
{{if .Consents}}<table><thead><tr><th scope="col">Fecha</th><th scope="col">Autorización</th><th scope="col">Decisión</th><th scope="col">Versión</th><th scope="col">Huella del texto (SHA-256)</th></tr></thead><tbody>
{{range .Consents}}<tr><td>{{.Created}}</td><td>{{label .Purpose}}</td><td>{{if .Granted}}Otorgada{{else}}Retirada{{end}}</td><td>{{.PolicyVersion}}</td><td>{{.TextSHA256}}</td></tr>
{{end}}</tbody></table>{{else}}<p>Ninguna registrada.</p>{{end}}
<h2>Reclamos sobre tu cédula</h2>
{{if .Claims}}<ul>{{range .Claims}}<li>{{if .filed_by_you}}Reclamo que presentaste{{else}}{{.about}}{{end}} ({{.status}}, {{.created}})</li>{{end}}</ul>{{else}}<p>Ninguno.</p>{{end}}
<h2>Tus referidos</h2>
<p>Invitaste a {{.ReferidosCount}} personas. Sus datos son de ellas y no se incluyen aquí.</p>
</main></body></html>
`))

var fieldLabels = map[string]string{
	"id": "Identificador", "name": "Nombre", "cedula": "Cédula", "phone": "Celular", "email": "Correo",
	"role": "Rol", "referral_code": "Código de invitación", "referral_goal": "Meta de referidos",
	"data_policy_accepted_at": "Aceptaste la política el", "data_policy_version": "Versión de la política aceptada",
	"contact_consent": "Autorizas contacto por WhatsApp o SMS", "created": "Creado", "updated": "Actualizado",
	"referred_by": "Te invitó (identificador)", "referred_by_name": "Te invitó",
	"status": "Estado", "departamento": "Departamento", "municipio": "Municipio", "puesto": "Puesto",
	"direccion": "Dirección", "mesa": "Mesa", "novedad": "Novedad", "resolucion": "Resolución",
	"fecha_novedad": "Fecha de la novedad", "fetched_at": "Consultado el", "error_message": "Último error",
	PurposeProcessing: "Tratamiento de datos para la red y la verificación del censo",
	PurposeMessaging:  "Contacto por WhatsApp o SMS",
}
