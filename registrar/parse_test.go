package registrar

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/padron/padron/census"
)

// parseCase is one stored answer and what the parser must conclude from it.
type parseCase struct {
	name   string
	source census.Source
	file   string
	status int
	cedula string
	want   census.Result // compared when class is nil (Source/Raw checked separately)
	class  error
}

func found(cedula, dep, mun, puesto, dir, mesa string) census.Result {
	return census.Result{Cedula: cedula, Outcome: census.OutcomeFound, Departamento: dep, Municipio: mun, Puesto: puesto, Direccion: dir, Mesa: mesa}
}

func cancelled(out census.Outcome, cedula, novedad, res, fecha string) census.Result {
	return census.Result{Cedula: cedula, Outcome: out, Novedad: novedad, Resolucion: res, FechaNovedad: fecha}
}

var parseCases = []parseCase{
	// wsp outcomes
	{name: "wsp found php-escaped", source: census.SourceWSP, file: "wsp_found.json", status: 200, cedula: "1020304050",
		want: found("1020304050", "NARIÑO", "PASTO", "COLEGIO JAVERIANO", "CL 18 # 29 - 73", "9")},
	{name: "wsp found status unknown", source: census.SourceWSP, file: "wsp_found.json", cedula: "1020304050",
		want: found("1020304050", "NARIÑO", "PASTO", "COLEGIO JAVERIANO", "CL 18 # 29 - 73", "9")},
	{name: "wsp found cedula from table", source: census.SourceWSP, file: "wsp_found.json",
		want: found("1020304050", "NARIÑO", "PASTO", "COLEGIO JAVERIANO", "CL 18 # 29 - 73", "9")},
	{name: "wsp found tolerant markup", source: census.SourceWSP, file: "wsp_found_tolerant.json", status: 200, cedula: "1020304051",
		want: found("1020304051", "BOGOTA D.C.", "BOGOTA. D.C.", "COL. DISTRITAL RESTREPO MILLAN", "CL 42 SUR # 24 - 50", "12")},
	{name: "wsp found without data-th", source: census.SourceWSP, file: "wsp_found_no_datath.json", status: 200, cedula: "1020304052",
		want: found("1020304052", "ANTIOQUIA", "MEDELLIN", "I.E. INEM JOSE FELIX DE RESTREPO", "CR 48 # 1 - 125", "23")},
	{name: "wsp not found", source: census.SourceWSP, file: "wsp_not_found.json", status: 200, cedula: "1099999999",
		want: census.Result{Cedula: "1099999999", Outcome: census.OutcomeNotFound}},
	{name: "wsp not habilitado with empty table", source: census.SourceWSP, file: "wsp_not_habilitado.json", cedula: "1099999998",
		want: census.Result{Cedula: "1099999998", Outcome: census.OutcomeNotFound}},
	{name: "wsp cancelada por muerte", source: census.SourceWSP, file: "wsp_cancelled_muerte.json", status: 200, cedula: "19283746",
		want: cancelled(census.OutcomeCancelledDeceased, "19283746", "Cancelada por Muerte", "0412 de 2019", "14/03/2019")},
	{name: "wsp muerte facultad ley uppercase", source: census.SourceWSP, file: "wsp_cancelled_muerte_ley.json", status: 200, cedula: "8765432",
		want: cancelled(census.OutcomeCancelledDeceased, "8765432", "CANCELADA POR MUERTE FACULTAD LEY", "1188 de 2021", "02/08/2021")},
	{name: "wsp doble cedulacion", source: census.SourceWSP, file: "wsp_cancelled_doble.json", status: 200, cedula: "52000111",
		want: cancelled(census.OutcomeCancelledOther, "52000111", "Cancelada por Doble Cedulación", "0099 de 2015", "20/01/2015")},
	{name: "wsp baja derechos politicos", source: census.SourceWSP, file: "wsp_cancelled_baja.json", status: 200, cedula: "79111222",
		want: cancelled(census.OutcomeCancelledOther, "79111222", "Baja por Perdida o Suspension de los Derechos Politicos", "2201 de 2022", "11/11/2022")},
	{name: "wsp vigente con perdida", source: census.SourceWSP, file: "wsp_cancelled_vigente.json", status: 200, cedula: "1033444555",
		want: cancelled(census.OutcomeCancelledOther, "1033444555", "Vigente con Pérdida o Suspensión de los Derechos Políticos", "0777 de 2023", "05/06/2023")},
	{name: "wsp pendiente expedicion", source: census.SourceWSP, file: "wsp_cancelled_pendiente.json", status: 200, cedula: "1044555666",
		want: cancelled(census.OutcomeCancelledOther, "1044555666", "Pendiente por estar en Proceso de Expedición", "", "")},

	// wsp errors
	{name: "wsp captcha", source: census.SourceWSP, file: "wsp_captcha.json", status: 200, cedula: "1", class: census.ErrCaptcha},
	{name: "wsp curl error", source: census.SourceWSP, file: "wsp_curl.json", status: 200, cedula: "1", class: census.ErrTransient},
	{name: "wsp reload", source: census.SourceWSP, file: "wsp_reload.json", cedula: "1", class: census.ErrTransient},
	{name: "wsp f5 block 200", source: census.SourceWSP, file: "block_f5.html", status: 200, cedula: "1", class: census.ErrBlocked},
	{name: "wsp f5 block 500", source: census.SourceWSP, file: "block_f5.html", status: 500, cedula: "1", class: census.ErrBlocked},
	{name: "wsp f5 block unknown status", source: census.SourceWSP, file: "block_f5.html", cedula: "1", class: census.ErrBlocked},
	{name: "wsp spanish block", source: census.SourceWSP, file: "block_es.html", status: 200, cedula: "1", class: census.ErrBlocked},
	{name: "wsp spanish block by class", source: census.SourceWSP, file: "block_es_minimal.html", status: 500, cedula: "1", class: census.ErrBlocked},
	{name: "wsp form page is not a block", source: census.SourceWSP, file: "page_with_challenge.html", status: 200, cedula: "1", class: census.ErrSiteChanged},
	{name: "wsp 500 plain text", source: census.SourceWSP, file: "text_500.txt", status: 500, cedula: "1", class: census.ErrTransient},
	{name: "wsp 502 html", source: census.SourceWSP, file: "nginx_502.html", status: 502, cedula: "1", class: census.ErrTransient},
	{name: "wsp plain text unknown status", source: census.SourceWSP, file: "text_500.txt", cedula: "1", class: census.ErrSiteChanged},
	{name: "wsp empty body", source: census.SourceWSP, file: "empty.txt", status: 200, cedula: "1", class: census.ErrSiteChanged},
	{name: "wsp found table missing mesa", source: census.SourceWSP, file: "wsp_broken_missing_mesa.json", status: 200, cedula: "1020304050", class: census.ErrSiteChanged},
	{name: "wsp novedad table without novedad", source: census.SourceWSP, file: "wsp_broken_no_novedad.json", status: 200, cedula: "1044555667", class: census.ErrSiteChanged},
	{name: "wsp unknown success message", source: census.SourceWSP, file: "wsp_unknown_message.json", status: 200, cedula: "1", class: census.ErrSiteChanged},
	{name: "wsp unknown failure message", source: census.SourceWSP, file: "wsp_unknown_failure.json", status: 200, cedula: "1", class: census.ErrSiteChanged},
	{name: "wsp json of another shape", source: census.SourceWSP, file: "wsp_no_success.json", status: 200, cedula: "1", class: census.ErrSiteChanged},
	{name: "wsp answer about another cedula", source: census.SourceWSP, file: "wsp_other_cedula.json", status: 200, cedula: "1020304050", class: census.ErrSiteChanged},
	{name: "wsp elecciones json", source: census.SourceWSP, file: "el_found.json", status: 200, cedula: "1020304050", class: census.ErrSiteChanged},

	// elecciones outcomes
	{name: "el found", source: census.SourceElecciones, file: "el_found.json", status: 200, cedula: "1020304050",
		want: found("1020304050", "NARIÑO", "PASTO", "COLEGIO JAVERIANO", "CL 18 # 29 - 73", "9")},
	{name: "el found cedula from voter", source: census.SourceElecciones, file: "el_found.json",
		want: found("1020304050", "NARIÑO", "PASTO", "COLEGIO JAVERIANO", "CL 18 # 29 - 73", "9")},
	{name: "el found tolerant types", source: census.SourceElecciones, file: "el_found_tolerant.json", status: 200, cedula: "1020304051",
		want: found("1020304051", "BOGOTA D.C.", "BOGOTA. D.C.", "COL. DISTRITAL RESTREPO MILLAN", "CL 42 SUR # 24 - 50", "12")},
	{name: "el not found 404", source: census.SourceElecciones, file: "el_not_found.json", status: 404, cedula: "1099999999",
		want: census.Result{Cedula: "1099999999", Outcome: census.OutcomeNotFound}},
	{name: "el not found status unknown", source: census.SourceElecciones, file: "el_not_found.json", cedula: "1099999999",
		want: census.Result{Cedula: "1099999999", Outcome: census.OutcomeNotFound}},
	{name: "el not in census flag", source: census.SourceElecciones, file: "el_not_in_census.json", status: 200, cedula: "1099999998",
		want: census.Result{Cedula: "1099999998", Outcome: census.OutcomeNotFound}},
	{name: "el cancelada por muerte", source: census.SourceElecciones, file: "el_cancelled_muerte.json", status: 200, cedula: "19283746",
		want: cancelled(census.OutcomeCancelledDeceased, "19283746", "Cancelada por Muerte", "0412 de 2019", "14/03/2019")},
	{name: "el cancelled other single object", source: census.SourceElecciones, file: "el_cancelled_other.json", status: 200, cedula: "52000111",
		want: cancelled(census.OutcomeCancelledOther, "52000111", "Cancelada por Suplantación", "0099 de 2015", "20/01/2015")},

	// elecciones errors
	{name: "el 403", source: census.SourceElecciones, file: "el_403.json", status: 403, cedula: "1", class: census.ErrCaptcha},
	{name: "el 403 status unknown", source: census.SourceElecciones, file: "el_403.json", cedula: "1", class: census.ErrCaptcha},
	{name: "el 403 plain text", source: census.SourceElecciones, file: "text_500.txt", status: 403, cedula: "1", class: census.ErrCaptcha},
	{name: "el 500", source: census.SourceElecciones, file: "el_500.json", status: 500, cedula: "1", class: census.ErrTransient},
	{name: "el 500 status unknown", source: census.SourceElecciones, file: "el_500.json", cedula: "1", class: census.ErrTransient},
	{name: "el 502 html", source: census.SourceElecciones, file: "nginx_502.html", status: 502, cedula: "1", class: census.ErrTransient},
	{name: "el block 200", source: census.SourceElecciones, file: "block_f5.html", status: 200, cedula: "1", class: census.ErrBlocked},
	{name: "el block 500", source: census.SourceElecciones, file: "block_es.html", status: 500, cedula: "1", class: census.ErrBlocked},
	{name: "el broken polling place", source: census.SourceElecciones, file: "el_broken.json", status: 200, cedula: "1020304050", class: census.ErrSiteChanged},
	{name: "el wrong types", source: census.SourceElecciones, file: "el_bad_types.json", status: 200, cedula: "1020304050", class: census.ErrSiteChanged},
	{name: "el html page", source: census.SourceElecciones, file: "page_with_challenge.html", status: 200, cedula: "1", class: census.ErrSiteChanged},
	{name: "el html 404", source: census.SourceElecciones, file: "nginx_502.html", status: 404, cedula: "1", class: census.ErrSiteChanged},
	{name: "el wsp json", source: census.SourceElecciones, file: "wsp_found.json", status: 200, cedula: "1020304050", class: census.ErrSiteChanged},
	{name: "el answer about another cedula", source: census.SourceElecciones, file: "el_found.json", status: 200, cedula: "1020304059", class: census.ErrSiteChanged},
}

func TestParseTestdata(t *testing.T) {
	t.Parallel()
	for _, tc := range parseCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			body := readTestdata(t, tc.file)
			got, err := Parse(tc.source, tc.cedula, tc.status, body)
			if tc.class != nil {
				assertClass(t, err, tc.class, body)
				if got != (census.Result{}) {
					t.Errorf("result on error = %+v, want zero", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got.Source != tc.source || got.Raw != string(body) {
				t.Errorf("Source=%q, Raw kept=%v; want %q and the body", got.Source, got.Raw == string(body), tc.source)
			}
			got.Source, got.Raw = "", ""
			if got != tc.want {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestParseUnknownSource(t *testing.T) {
	t.Parallel()
	_, err := Parse("nope", "1", 200, []byte(`{}`))
	assertClass(t, err, census.ErrSiteChanged, []byte(`{}`))
}

func TestIsBlockPage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file string
		want bool
	}{
		{"block_f5.html", true},
		{"block_es.html", true},
		{"block_es_minimal.html", true},
		{"page_with_challenge.html", false},
		{"wsp_found.json", false},
		{"el_403.json", false},
		{"nginx_502.html", false},
		{"empty.txt", false},
	} {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			if got := IsBlockPage(readTestdata(t, tc.file)); got != tc.want {
				t.Errorf("IsBlockPage = %v, want %v", got, tc.want)
			}
		})
	}
	if IsBlockPage([]byte("<html><body><p>Please complete the challenge below</p></body></html>")) {
		t.Error(`"challenge" alone must not be a block`)
	}
}

// TestParseDeathWords runs every word of census's death rule, and a
// cancellation that is not a death, through both sites' answer formats.
func TestParseDeathWords(t *testing.T) {
	t.Parallel()
	const ced = "19283746"
	for _, tc := range []struct {
		novedad string
		want    census.Outcome
	}{
		{"Cancelada por Muerte", census.OutcomeCancelledDeceased},
		{"Cancelada por Muerte Facultad Ley", census.OutcomeCancelledDeceased},
		{"FALLECIDO", census.OutcomeCancelledDeceased},
		{"Fallecido", census.OutcomeCancelledDeceased},
		{"DEFUNCIÓN", census.OutcomeCancelledDeceased},
		{"DEFUNCION", census.OutcomeCancelledDeceased},
		{"Cancelada por Defunción", census.OutcomeCancelledDeceased},
		{"Cancelada por Doble Cedulación", census.OutcomeCancelledOther},
	} {
		bodies := map[census.Source][]byte{
			census.SourceWSP:        wspNovedadBody(t, ced, tc.novedad),
			census.SourceElecciones: eleccionesNovedadBody(t, ced, tc.novedad),
		}
		for source, body := range bodies {
			t.Run(string(source)+"/"+tc.novedad, func(t *testing.T) {
				t.Parallel()
				got, err := Parse(source, ced, 200, body)
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				if got.Outcome != tc.want || got.Novedad != tc.novedad || got.Resolucion != "0412 de 2019" {
					t.Errorf("got %+v, want outcome %s with novedad %q", got, tc.want, tc.novedad)
				}
			})
		}
	}
}

// wspNovedadBody is the legacy page's answer with one novedad row, escaped
// the way the site sends it.
func wspNovedadBody(t *testing.T, ced, novedad string) []byte {
	t.Helper()
	table := `<div class="table-responsive"><table class="table table-striped table-bordered" id="consulta">` +
		`<thead><tr><th>NUIP</th><th>NOVEDAD</th><th>RESOLUCIÓN</th><th>FECHA NOVEDAD</th></tr></thead>` +
		`<tbody><tr><td data-th="NUIP">` + ced + `</td><td data-th="NOVEDAD">` + novedad +
		`</td><td data-th="RESOLUCIÓN">0412 de 2019</td><td data-th="FECHA NOVEDAD">14/03/2019</td></tr></tbody></table></div>`
	b, err := json.Marshal(map[string]any{"success": true, "data": map[string]string{"message": table}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// eleccionesNovedadBody is the 2026 API's answer with one novelty.
func eleccionesNovedadBody(t *testing.T, ced, novedad string) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"status": true, "status_code": 200, "data": map[string]any{
		"voter": map[string]string{"identification": ced}, "is_in_census": false, "polling_place": nil,
		"novelty": []map[string]string{{"name": novedad, "description_line_1": "", "resolution": "0412 de 2019", "date": "14/03/2019"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// assertClass checks err is a *LookupError of class want that kept body.
func assertClass(t *testing.T, err, want error, body []byte) {
	t.Helper()
	if err == nil {
		t.Fatalf("err = nil, want class %v", want)
	}
	if got := census.ClassOf(err); got != want {
		t.Fatalf("class = %v, want %v (err: %v)", got, want, err)
	}
	var le *census.LookupError
	if !errors.As(err, &le) {
		t.Fatalf("err %T is not a *LookupError", err)
	}
	if le.Evidence == nil || le.Evidence.Response != string(body) {
		t.Errorf("evidence does not keep the body")
	}
	if strings.TrimSpace(le.Message) == "" {
		t.Errorf("empty message")
	}
}

func BenchmarkParseWSPFound(b *testing.B) {
	body := readTestdata(b, "wsp_found.json")
	for b.Loop() {
		if _, err := ParseWSP("1020304050", 200, body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseEleccionesFound(b *testing.B) {
	body := readTestdata(b, "el_found.json")
	for b.Loop() {
		if _, err := ParseElecciones("1020304050", 200, body); err != nil {
			b.Fatal(err)
		}
	}
}
