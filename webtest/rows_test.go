package webtest_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/padron/padron/apptest"
)

// rowLines measures every referidos row on screen: its rendered text lines
// (text boxes grouped by the line they sit on; the ellipsis keeps a long
// text on one), its height, and whether a cell pokes out of the row.
const rowLines = `() => [...document.querySelectorAll("[data-testid=referidos-table] tr[data-id]:not(.detail)")].map((tr) => {
	const boxes = [];
	const walk = document.createTreeWalker(tr, NodeFilter.SHOW_TEXT);
	for (let n = walk.nextNode(); n; n = walk.nextNode()) {
		if (!n.textContent.trim() || n.parentElement.closest(".visually-hidden") || n.parentElement.getBoundingClientRect().width <= 1) continue;
		const r = document.createRange();
		r.selectNodeContents(n);
		for (const b of r.getClientRects()) if (b.width > 0 && b.height > 0) boxes.push(b);
	}
	boxes.sort((a, b) => a.top - b.top);
	const lines = [];
	for (const b of boxes) {
		const mid = (b.top + b.bottom) / 2;
		if (!lines.some((l) => mid > l.top && mid < l.bottom)) lines.push({ top: b.top, bottom: b.bottom });
	}
	const box = tr.getBoundingClientRect();
	const out = [...tr.children].filter((td) => td.getClientRects().length &&
		(td.getBoundingClientRect().right > box.right + 0.5 || td.getBoundingClientRect().left < box.left - 0.5 || td.scrollWidth > td.clientWidth + 1 && getComputedStyle(td).overflowX !== "hidden"))
		.map((td) => td.className);
	return { name: tr.querySelector("td.name").textContent.trim(), lines: lines.length, height: Math.round(box.height), out };
})`

// checkRows fails when a row takes more than two lines or pokes out of
// the screen, and returns the tallest row's height for the report.
func checkRows(t *testing.T, tb *tab, view string) int {
	t.Helper()
	got := mustEval(t, tb, rowLines).Arr()
	if len(got) < 10 {
		t.Fatalf("%s: only %d rows measured", view, len(got))
	}
	tallest := 0
	for _, r := range got {
		name, lines, height := r.Get("name").Str(), r.Get("lines").Int(), r.Get("height").Int()
		if lines > 2 {
			t.Errorf("%s: the row of %q takes %d lines (%d px), want two at most", view, name, lines, height)
		}
		if out := r.Get("out").Arr(); len(out) > 0 {
			t.Errorf("%s: the row of %q overflows in %v", view, name, out)
		}
		tallest = max(tallest, height)
	}
	tb.noOverflow(view)
	return tallest
}

// recheckBadge reads a row's badge: whether its text fits (nothing cut by
// the ellipsis), the words on screen, the words a screen reader gets (not
// aria-hidden) and whether the place beside it still shows.
const recheckBadge = `(s) => { const b = document.querySelector(s + " td.col-status .badge");
	const place = document.querySelector(s + " td.col-place");
	let seen = "", read = "";
	const walk = document.createTreeWalker(b, NodeFilter.SHOW_TEXT);
	for (let n = walk.nextNode(); n; n = walk.nextNode()) {
		const el = n.parentElement;
		if (el.getBoundingClientRect().width > 1 && getComputedStyle(el).display !== "none") seen += n.textContent;
		if (!el.closest("[aria-hidden=true]")) read += n.textContent;
	}
	return { fits: b.scrollWidth <= b.clientWidth, bw: b.scrollWidth, cw: b.clientWidth, seen, read,
		place: place.getBoundingClientRect().width > 0 && place.getClientRects().length > 0 };
}`

// TestReferidosPhoneRows: on a phone every row of /referidos is two lines
// at most, in the direct referidos and in the whole network (with who
// referred each person), with long Spanish names and long puestos: the
// ellipsis ends them, the full text stays in the cell and in the row's
// detail; nothing is wider than the screen. A re-check's badge is never
// cut: a phone shows its short wording (the whole one kept for screen
// readers and as its title) and the place yields. The laptop's columns
// keep their room.
func TestReferidosPhoneRows(t *testing.T) {
	e := newEnv(t)
	dozensCast(t, e)
	long := "María de los Ángeles Valentina Díaz-Granados Arboleda de la Espriella"
	puesto := "INSTITUCION EDUCATIVA DEPARTAMENTAL TECNICO AGROPECUARIO SAN JOSE DE LA MONTAÑA"
	id := e.addUser(t, long, "64000001", "leader", e.cast.LeaderA.ID)
	e.setInfo(t, id, map[string]any{"status": "active", "departamento": "GUAVIARE", "municipio": "SAN JOSE DEL GUAVIARE",
		"puesto": puesto, "mesa": "12"})
	sub := e.addUser(t, "Yeimy Alexandra Quintero Núñez Ospina de Villamizar", "64000002", "member", id)
	e.setInfo(t, sub, map[string]any{"status": "active", "departamento": "GUAVIARE", "municipio": "SAN JOSE DEL GUAVIARE",
		"puesto": puesto, "mesa": "3"})
	// Re-checked with a long puesto: "Habilitada · verificando de nuevo".
	again := e.addUser(t, "Ramiro Reverificado", "64000003", "member", e.cast.LeaderA.ID)
	e.setInfo(t, again, map[string]any{"status": "pending", "fetched_at": time.Now().Add(-5 * time.Hour).UTC(),
		"departamento": "GUAVIARE", "municipio": "SAN JOSE DEL GUAVIARE", "puesto": puesto, "mesa": "7"})
	againRow := `tr[data-id="` + again + `"]`

	for _, width := range []int{390, 1280} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			tb := open(t, e.srv.URL, "", width)
			tb.login(e.cast.LeaderA.Cedula, apptest.Password, true)
			tb.nav("/referidos")
			row := `tr[data-id="` + id + `"]`
			tb.until("the rows", `(s) => !!document.querySelector(s) && document.querySelectorAll("[data-testid=referidos-table] tr[data-status]").length >= 49`, row)
			if width >= 1024 {
				// The laptop keeps its table (roomForNames checks its columns
				// in TestPagesWithDozens): headers shown, one row per person.
				if !mustEval(t, tb, `(s) => getComputedStyle(document.querySelector(s)).display === "table-row" &&
					getComputedStyle(document.querySelector("[data-testid=referidos-table] thead")).position !== "absolute"`, row).Bool() {
					t.Error("the laptop lost its table layout")
				}
				t.Logf("row height at 1280 px: %.0f px (the 70-letter name)", mustEval(t, tb, `(s) => document.querySelector(s).getBoundingClientRect().height`, row).Num())
				if b := mustEval(t, tb, recheckBadge, againRow); b.Get("seen").Str() != "Habilitada · verificando de nuevo" || !b.Get("fits").Bool() {
					t.Errorf("the laptop's re-check badge shows %q (fits %v), want the whole wording", b.Get("seen").Str(), b.Get("fits").Bool())
				}
				tb.noOverflow("referidos at 1280 px")
				tb.axe("referidos rows at 1280 px")
				return
			}
			direct := checkRows(t, tb, "direct referidos at 390 px")
			b := mustEval(t, tb, recheckBadge, againRow)
			t.Logf("re-check badge at 390 px: %q, %d px of text in %d px", b.Get("seen").Str(), b.Get("bw").Int(), b.Get("cw").Int())
			if !b.Get("fits").Bool() {
				t.Errorf("the re-check badge %q is cut: %d px of text in %d px", b.Get("seen").Str(), b.Get("bw").Int(), b.Get("cw").Int())
			}
			if seen := b.Get("seen").Str(); seen != "Habilitada ↻" {
				t.Errorf("the re-check badge shows %q, want the last answer and that it is being checked again", seen)
			}
			if read := b.Get("read").Str(); read != "Habilitada · verificando de nuevo" {
				t.Errorf("a screen reader gets %q from the re-check badge, want the whole wording", read)
			}
			if !b.Get("place").Bool() {
				t.Error("the re-checked person's place is gone from the row")
			}
			if got := mustEval(t, tb, `(s) => document.querySelector(s + " td.col-place").textContent`, againRow).Str(); !strings.Contains(got, "Institución") && !strings.Contains(strings.ToUpper(got), "INSTITUCION") {
				t.Errorf("the re-checked person's place cell holds %q, want the whole puesto", got)
			}
			tb.screenshot("rows-direct", width)
			tb.axe("referidos rows at 390 px")
			// "Seleccionar" adds a checkbox beside both lines, not a line.
			tb.click(".select-mode")
			tb.until("the checkboxes", `(s) => document.querySelector(s + " td.sel input").getClientRects().length > 0`, row)
			checkRows(t, tb, "selecting at 390 px")
			tb.click(".select-mode")
			// The whole name and puesto stay in the cell and in the detail.
			if got := tb.text(row + " td.name"); got != long {
				t.Errorf("the name cell holds %q, want the whole name", got)
			}
			tb.click(row + " .row-actions .ghost")
			tb.waitText("#det-"+id, long)
			tb.waitText("#det-"+id, puesto)
			tb.click(row + " .row-actions .ghost")

			// The whole network: who referred each person on the first line.
			tb.click("[data-testid=whole-network]")
			subRow := `tr[data-id="` + sub + `"]`
			tb.until("the whole network with referrers", `(s) => document.querySelector(s + " [data-testid=referrer]")?.textContent === "María de los Ángeles Valentina Díaz-Granados Arboleda de la Espriella"`, subRow)
			whole := checkRows(t, tb, "whole network at 390 px")
			tb.screenshot("rows-whole", width)
			tb.axe("whole network rows at 390 px")
			tb.click(subRow + " .row-actions .ghost")
			tb.waitText("#det-"+sub, "Referido por")
			if txt := tb.text("#det-" + sub); !strings.Contains(txt, long) || !strings.Contains(txt, puesto) {
				t.Errorf("the detail lacks the referrer or the puesto: %q", txt)
			}
			t.Logf("tallest row at 390 px: %d px direct, %d px whole network", direct, whole)
		})
	}
}
