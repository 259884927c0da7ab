package webtest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/demo"
)

// TestRedTreeLiveAndMove: a coordinator opens /red, expands two branches,
// and watches a registration three levels below appear in the tree, the
// counts above it and the ranking, without reloading; finds a person by
// cédula; moves a branch after a confirmation that says how many people
// move; the page passes axe at 390 and 1280 px, for a coordinator and a
// leader. A member reads their network per level on Inicio, and a leader
// switches /referidos to the whole network with its referrer column: paged
// and searched by the server (no full list fetched), live.
func TestRedTreeLiveAndMove(t *testing.T) {
	e := newEnv(t)
	coord := e.addUser(t, "Carmen Coordinadora", "50000001", "coordinator", "")
	norte := e.addUser(t, "Luis Líder Norte", "50000002", "leader", coord)
	sur := e.addUser(t, "Laura Líder Sur", "50000003", "leader", coord)
	sub := e.addUser(t, "Sergio Sublíder", "50000004", "leader", norte)
	marta := e.addUser(t, "Marta Miembro", "50000005", "member", sub)
	mario := e.addUser(t, "Mario Miembro Sur", "50000006", "member", sur)
	e.addUser(t, "Pía Prima", "50000007", "member", marta)
	e.setInfo(t, marta, map[string]any{"status": "active", "departamento": "HUILA", "municipio": "NEIVA", "puesto": "COLEGIO SANTA LIBRADA", "mesa": "4"})
	e.setInfo(t, sub, map[string]any{"status": "not_found"})
	e.setInfo(t, sur, map[string]any{"status": "error", "error_message": "transient"})
	subRec, err := e.app.FindRecordById("users", sub)
	if err != nil {
		t.Fatal(err)
	}
	node := func(id string) string { return fmt.Sprintf(`li[data-id="%s"] > .node-card`, id) }

	c := open(t, e.srv.URL, "", 1280)
	c.login("50000001", apptest.Password, true)
	c.nav("/red")
	c.waitText("[data-testid=red-summary]", "6 personas en tu red")
	c.until("the first level", `(s) => !!document.querySelector(s)`, node(norte))
	c.click(node(norte) + " .toggle")
	c.until("the second level", `(s) => !!document.querySelector(s)`, node(sub))
	c.click(node(sub) + " .toggle")
	c.until("the third level", `(s) => !!document.querySelector(s)`, node(marta))
	c.waitText(node(norte)+" [data-census=novedad]", "Con novedad: 1")
	c.until("the ranking", `(id) => !!document.querySelector('[data-testid=ranking] li[data-id="' + id + '"] [data-value="3"]')`, norte)
	mustEval(t, c, `() => { window.__sameDocument = true }`)

	// A registration three levels below the coordinator.
	registerWithLink(t, e, "Nicolás Tercer Nivel", "50000009", subRec.GetString("referral_code"))
	c.waitText(fmt.Sprintf(`#rama-%s`, sub), "Nicolás Tercer Nivel")
	c.until("the branch's new total", `(s) => !!document.querySelector(s)`, node(norte)+` [data-subtree="4"]`)
	c.waitText("[data-testid=red-summary]", "7 personas en tu red")
	c.until("the ranking's new value", `(id) => !!document.querySelector('[data-testid=ranking] li[data-id="' + id + '"] [data-value="4"]')`, norte)
	mustEval(t, c, `() => { if (!window.__sameDocument) throw new Error("the page reloaded") }`)

	// Search by cédula jumps to the person's place.
	c.fill("q", "50000007")
	c.click("form.search-form.card button[type=submit]")
	c.waitText("[data-testid=search-results]", "Pía Prima")
	c.clickText("Pía Prima (Miembro)")
	c.until("the person's place", `() => document.activeElement?.classList.contains("found") && document.activeElement.innerText.includes("Pía Prima")`)
	c.screenshot("red-coordinador", 1280)
	c.axe("red-coordinador")

	// Move Sergio's branch (Sergio, Marta, Pía, Nicolás) under Laura.
	c.click(node(sub) + ` button[aria-label^="Mover a"]`)
	// The server leaves out the branch being moved and its referrer.
	c.fill("parent_q", "Miembro")
	c.click(node(sub) + " .panel form button[type=submit]")
	c.waitText(node(sub)+" .panel .search-results", "Mario Miembro Sur")
	if got := c.text(node(sub) + " .panel .search-results"); strings.Contains(got, "Marta") {
		t.Errorf("the move dialog offers someone of the moved branch: %q", got)
	}
	c.fill("parent_q", "Líder")
	c.click(node(sub) + " .panel form button[type=submit]")
	c.waitText(node(sub)+" .panel .search-results", "Laura Líder Sur")
	if got := c.text(node(sub) + " .panel .search-results"); strings.Contains(got, "Norte") {
		t.Errorf("the move dialog offers the branch's own referrer: %q", got)
	}
	c.fill("parent_q", "Laura")
	c.click(node(sub) + " .panel form button[type=submit]")
	c.waitText(node(sub)+" .panel .search-results", "Laura Líder Sur")
	c.clickText("Laura Líder Sur (Líder)")
	c.waitText("[data-testid=move-confirm-text]", "4 personas en total")
	c.waitText("[data-testid=move-confirm-text]", "bajo Laura Líder Sur")
	c.screenshot("red-mover", 1280)
	c.axe("red-mover")
	c.click("[data-testid=confirm-move]")
	c.until("the move in the tree", `(s) => !!document.querySelector(s)`, node(sur)+` [data-subtree="5"]`)
	c.until("the old branch emptied", `(s) => !!document.querySelector(s)`, node(norte)+` [data-subtree="0"]`)
	if got, err := e.app.FindRecordById("users", sub); err != nil || got.GetString("referred_by") != sur {
		t.Fatalf("Sergio's referrer after the move: %v (%v), want Laura", got.GetString("referred_by"), err)
	}
	c.until("the ranking after the move", `(id) => !!document.querySelector('[data-testid=ranking] li[data-id="' + id + '"] [data-value="5"]')`, sur)
	c.checkClean()

	// A phone: the coordinator's tree, opened down one branch.
	p := open(t, e.srv.URL, "", 390)
	p.login("50000001", apptest.Password, true)
	p.nav("/red")
	p.until("the first level", `(s) => !!document.querySelector(s)`, node(sur))
	p.click(node(sur) + " .toggle")
	p.until("the moved branch", `(s) => !!document.querySelector(s)`, node(sub))
	// Luis (emptied by the move) and Mario have nobody below: compact,
	// their coordinator's tools one tap away.
	p.until("Luis and Mario on screen", `(a, b) => !!document.querySelector(a) && !!document.querySelector(b)`, node(norte), node(mario))
	checkCompactLeaves(t, p, 2)
	p.click(node(norte) + ` button[aria-label="Opciones de Luis Líder Norte"]`)
	p.until("Luis's tools", `(s) => { const b = document.querySelector(s); return !!b && b.offsetParent !== null; }`, node(norte)+` button[aria-label^="Metas de"]`)
	p.click(node(sub) + ` button[aria-label^="Metas de"]`)
	p.until("the goals form", `() => !!document.querySelector("[name=subtree_goal]")`)
	p.screenshot("red-coordinador", 390)
	p.axe("red-coordinador-390")
	p.checkClean()

	// A leader sees their own subtree, without a coordinator's tools.
	for _, width := range []int{390, 1280} {
		l := open(t, e.srv.URL, "", width)
		l.login("50000003", apptest.Password, true)
		l.nav("/red")
		l.waitText("[data-testid=red-summary]", "5 personas en tu red")
		l.until("the leader's ranking", `(id) => !!document.querySelector('[data-testid=ranking] li[data-id="' + id + '"]')`, sub)
		if n := mustEval(t, l, `() => document.querySelectorAll(".node-actions").length`).Int(); n != 0 {
			t.Errorf("a leader sees %d nodes with a coordinator's tools", n)
		}
		if body := l.text("main"); strings.Contains(body, "Luis Líder Norte") {
			t.Errorf("a leader sees a sibling branch or above themselves:\n%s", body)
		}
		if width == 390 {
			l.until("Mario, with nobody below", `(s) => !!document.querySelector(s)`, node(mario))
			checkCompactLeaves(t, l, 1)
		}
		l.screenshot("red-lider", width)
		l.axe(fmt.Sprintf("red-lider-%d", width))
		l.checkClean()
	}

	// A member's network on Inicio, per level.
	m := open(t, e.srv.URL, "", 390)
	m.login("50000005", apptest.Password, true)
	m.waitText("[data-testid=my-network]", "Nivel 1 (tus referidos)")
	m.waitText("[data-testid=network-count]", "1")
	m.screenshot("inicio-miembro-red", 390)
	m.axe("inicio-miembro-red")

	// The whole network on /referidos, with each person's referrer.
	r := open(t, e.srv.URL, "", 1280)
	r.login("50000003", apptest.Password, true)
	r.nav("/referidos")
	r.waitText("[data-testid=referidos-table]", "Mario Miembro Sur")
	r.mu.Lock()
	before := len(r.requests)
	r.mu.Unlock()
	r.click("[data-testid=whole-network]")
	r.until("Marta's referrer", `() => [...document.querySelectorAll("[data-testid=referidos-table] tbody tr")].some((tr) =>
		tr.innerText.includes("Marta Miembro") && tr.querySelector("[data-testid=referrer]")?.innerText === "Sergio Sublíder")`)
	r.waitText("[data-testid=referidos-table] thead", "Referido por")
	r.waitText("[data-testid=ref-count]", "5 personas en toda tu red")
	r.waitText("[data-testid=active-filter]", "Mostrando a todos (5)")
	// The server searches the whole network (without accents), a page at a time.
	r.fill("q", "pia")
	r.until("the search's one row", `() => { const trs = document.querySelectorAll("[data-testid=referidos-table] tbody tr");
		return trs.length === 1 && trs[0].innerText.includes("Pía Prima") }`)
	r.waitText("[data-testid=active-filter]", "«pia» (1)")
	// A registration below shows live, on top, with the counts.
	r.fill("q", "")
	r.until("the whole network again", `() => document.querySelectorAll("[data-testid=referidos-table] tbody tr").length === 5`)
	martaRec, err := e.app.FindRecordById("users", marta)
	if err != nil {
		t.Fatal(err)
	}
	registerWithLink(t, e, "Olga Cuarto Nivel", "50000010", martaRec.GetString("referral_code"))
	r.until("the live newcomer on top", `() => document.querySelector("[data-testid=referidos-table] tbody tr")?.innerText.includes("Olga Cuarto Nivel")`)
	r.waitText("[data-testid=ref-count]", "6 personas en toda tu red")
	r.mu.Lock()
	fetched := append([]string(nil), r.requests[before:]...)
	r.mu.Unlock()
	paged := false
	for _, u := range fetched {
		if strings.Contains(u, "/api/collections/users/records") || strings.Contains(u, "/api/collections/cedula_info/records") || strings.Contains(u, "perPage=1000") {
			t.Errorf("the whole network loaded a full list: %s", u)
		}
		paged = paged || (strings.Contains(u, "/api/red/nodes/me/subtree?") && strings.Contains(u, "perPage=100"))
	}
	if !paged {
		t.Errorf("the whole network asked for no page of the subtree: %q", fetched)
	}
	r.screenshot("referidos-toda-la-red", 1280)
	r.axe("referidos-toda-la-red")
	r.checkClean()
}

// TestRedOnTheDemoCampaign: /red over the demo's campaign (padron demo's
// own seeding), as its root coordinator and one of its leaders, at both
// widths: the tree and the ranking read well with real volumes, and axe
// finds nothing serious.
func TestRedOnTheDemoCampaign(t *testing.T) {
	e := newEnv(t)
	camp, err := demo.Generate(demo.Options{People: 1500})
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Seed(e.app, camp); err != nil {
		t.Fatal(err)
	}
	first := camp.People[1].ID // the first zone's coordinator
	for _, width := range []int{390, 1280} {
		c := open(t, e.srv.URL, "", width)
		c.login(camp.People[camp.Coordinator].Cedula, demo.Password, true)
		c.nav("/red")
		c.waitText("[data-testid=red-summary]", "1.499 personas en tu red, en 7 niveles")
		c.until("ten leaders ranked", `() => document.querySelectorAll("[data-testid=ranking] li").length === 10`)
		c.click(fmt.Sprintf(`li[data-id="%s"] > .node-card .toggle`, first))
		c.until("the zone's leaders", `(id) => document.querySelectorAll('#rama-' + id + ' > li').length > 0`, first)
		c.screenshot("red-demo-coordinador", width)
		c.axe(fmt.Sprintf("red-demo-coordinador-%d", width))
		if width == 1280 {
			// "Toda la red" on /referidos: 100 rows at first, 100 more on
			// "Mostrar más", a tab's filter answered by the server.
			c.nav("/referidos")
			c.until("the direct referidos", `() => document.querySelectorAll("[data-testid=referidos-table] tbody tr[data-id]").length > 0`)
			c.click("[data-testid=whole-network]")
			c.waitText("[data-testid=ref-count]", "1.499 personas en toda tu red")
			c.until("the first page", `() => document.querySelectorAll("[data-testid=referidos-table] tbody tr[data-id]").length === 100`)
			c.waitText("[data-testid=more]", "Mostrar más (1.399 restantes)")
			c.click("[data-testid=more]")
			c.until("the second page", `() => document.querySelectorAll("[data-testid=referidos-table] tbody tr[data-id]").length === 200`)
			c.waitText("[data-testid=more]", "Mostrar más (1.299 restantes)")
			c.click(`.tabs [data-group="lugar"]`)
			c.until("the server's filter", `() => {
				const n = document.querySelector('.tabs [data-group="lugar"]').innerText.match(/\(([\d.]+)\)/)[1];
				const rows = [...document.querySelectorAll("[data-testid=referidos-table] tbody tr[data-id]")];
				return n !== "0" && document.querySelector("[data-testid=active-filter]").innerText.includes("(" + n + ")") &&
					rows.length === Math.min(100, Number(n.replace(/\./g, ""))) && rows.every((r) => r.dataset.status === "active") }`)
			c.screenshot("referidos-toda-la-red-demo", width)
			c.axe("referidos-toda-la-red-demo")
		}
		c.checkClean()
		if width != 390 {
			continue // TestRedTreeLiveAndMove covers a leader at both widths
		}

		l := open(t, e.srv.URL, "", width)
		l.login(camp.People[camp.Leader].Cedula, demo.Password, true)
		l.nav("/red")
		l.until("the leader's branches", `(id) => document.querySelectorAll('#rama-' + id + ' > li').length > 0`, camp.People[camp.Leader].ID)
		checkCompactLeaves(t, l, 5)
		l.screenshot("red-demo-lider", width)
		l.axe(fmt.Sprintf("red-demo-lider-%d", width))
		l.checkClean()
	}
}

// leafShapes measures each leaf card of the tree (someone below the root
// with nobody below, so no toggle): its height and how many lines its text
// takes.
const leafShapes = `() => JSON.stringify([...document.querySelectorAll("[data-testid=red-tree] li li > .node-card:not(:has(.toggle))")].map((c) => {
	const centers = [];
	const walk = document.createTreeWalker(c, NodeFilter.SHOW_TEXT);
	for (let n = walk.nextNode(); n; n = walk.nextNode()) {
		const r = document.createRange();
		r.selectNodeContents(n);
		for (const b of r.getClientRects()) {
			const y = (b.top + b.bottom) / 2;
			if (b.width > 0 && !centers.some((c) => Math.abs(c - y) < 8)) centers.push(y);
		}
	}
	return { name: c.querySelector(".node-name").innerText, height: c.getBoundingClientRect().height, lines: centers.length };
}))`

// checkCompactLeaves: on a phone, every leaf card on screen (at least
// want of them) is one or two lines and at most 80 px high (the full card
// of a branch took 126 to 150 px for a leaf of the demo's campaign).
func checkCompactLeaves(t *testing.T, tb *tab, want int) {
	t.Helper()
	var leaves []struct {
		Name   string
		Height float64
		Lines  int
	}
	if err := json.Unmarshal([]byte(mustEval(t, tb, leafShapes).Str()), &leaves); err != nil {
		t.Fatal(err)
	}
	if len(leaves) < want {
		t.Errorf("%d leaf cards in the tree, want at least %d", len(leaves), want)
	}
	highest := 0.0
	for _, l := range leaves {
		highest = max(highest, l.Height)
		if l.Lines > 2 || l.Height > 80 {
			t.Errorf("the leaf card of %s: %d lines, %.0f px high; want one or two lines, at most 80 px", l.Name, l.Lines, l.Height)
		}
	}
	t.Logf("%d leaf cards, the highest %.0f px", len(leaves), highest)
}

// rowIDsJS is the ids of the referidos table's rows, in order, as JSON.
const rowIDsJS = `() => JSON.stringify([...document.querySelectorAll("[data-testid=referidos-table] tbody tr[data-id]")].map((tr) => tr.dataset.id))`

// rowIDs is the ids of the referidos table's rows, in order.
func rowIDs(t *testing.T, c *tab) []string {
	t.Helper()
	var ids []string
	if err := json.Unmarshal([]byte(mustEval(t, c, rowIDsJS).Str()), &ids); err != nil {
		t.Fatal(err)
	}
	return ids
}

// wholeNetwork seeds a 150-person demo campaign, signs its root
// coordinator in and switches /referidos to "Toda la red": the first 100
// of the 149 below show. It returns the tab, the root's id and those rows.
func wholeNetwork(t *testing.T, e *env) (*tab, string, []string) {
	t.Helper()
	camp, err := demo.Generate(demo.Options{People: 150})
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Seed(e.app, camp); err != nil {
		t.Fatal(err)
	}
	root := camp.People[camp.Coordinator]
	c := open(t, e.srv.URL, "", 1280)
	c.login(root.Cedula, demo.Password, true)
	c.nav("/referidos")
	c.until("the direct referidos", `() => document.querySelectorAll("[data-testid=referidos-table] tbody tr[data-id]").length > 0`)
	c.click("[data-testid=whole-network]")
	c.waitText("[data-testid=ref-count]", "149 personas en toda tu red")
	c.until("the first page", `() => document.querySelectorAll("[data-testid=referidos-table] tbody tr[data-id]").length === 100`)
	return c, root.ID, rowIDs(t, c)
}

// superuserCall sends a superuser's request to the test server and
// fails unless it answers want.
func superuserCall(t *testing.T, e *env, method, path, body string, want int) {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", e.cast.Superuser.Token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != want {
		t.Fatalf("superuser %s %s: %d, want %d", method, path, res.StatusCode, want)
	}
}

// showAllOnce clicks "Mostrar más" until it goes, then checks that the
// table shows each of the want people below rootID exactly once.
func showAllOnce(t *testing.T, e *env, c *tab, rootID string, want int) {
	t.Helper()
	for i := 0; mustEval(t, c, `() => !!document.querySelector("[data-testid=more]")`).Bool(); i++ {
		if i > 5 {
			t.Fatal(`"Mostrar más" never ran out`)
		}
		n := mustEval(t, c, `() => document.querySelectorAll("[data-testid=referidos-table] tbody tr[data-id]").length`).Int()
		c.click("[data-testid=more]")
		c.until("the next rows", `(n) => !document.querySelector("[data-testid=more]") ||
			document.querySelectorAll("[data-testid=referidos-table] tbody tr[data-id]").length > n`, n)
	}
	shown := rowIDs(t, c)
	var below []string
	err := e.app.DB().NewQuery("SELECT descendant FROM network WHERE ancestor = {:root} AND depth > 0").
		Bind(map[string]any{"root": rootID}).Column(&below)
	if err != nil {
		t.Fatal(err)
	}
	if len(below) != want {
		t.Fatalf("the network: %d people below, want %d", len(below), want)
	}
	times := map[string]int{}
	for _, id := range shown {
		times[id]++
	}
	for _, id := range below {
		if times[id] != 1 {
			t.Errorf("%s shown %d times, want once", id, times[id])
		}
	}
	if len(shown) != len(below) {
		t.Errorf("%d rows shown, want the %d people below", len(shown), len(below))
	}
}

// TestRedWholeNetworkDeletedLive: "Toda la red" shows the first 100 of a
// coordinator's 149 people; a superuser deletes one of them meanwhile
// (the row leaves live); "Mostrar más" then shows every remaining person of
// the subtree exactly once: the next rows are asked from how many the list
// holds, not by page number (page 2 of the shifted list skipped a row).
func TestRedWholeNetworkDeletedLive(t *testing.T) {
	e := newEnv(t)
	c, root, first := wholeNetwork(t, e)
	gone := first[50]
	superuserCall(t, e, http.MethodDelete, "/api/collections/users/records/"+gone, "", http.StatusNoContent)
	c.until("the deleted row to leave", `(id) => !document.querySelector('[data-testid=referidos-table] tbody tr[data-id="' + id + '"]') &&
		document.querySelectorAll("[data-testid=referidos-table] tbody tr[data-id]").length === 99`, gone)
	c.waitText("[data-testid=more]", "Mostrar más (49 restantes)")
	showAllOnce(t, e, c, root, 148)
	if slices.Contains(rowIDs(t, c), gone) {
		t.Errorf("the deleted person still shown")
	}
	c.checkClean()
}

// TestRedWholeNetworkMovedOutLive: "Toda la red" shows the first 100 of a
// coordinator's 149 people; a superuser moves one of them, with their
// branch, out of the coordinator's network meanwhile. No users event tells
// the coordinator about people they can no longer see, but the move's red
// event does: the branch's rows leave, the list holds 100 rows again, and
// "Mostrar más" then shows every remaining person exactly once (the stale
// rows made the next rows skip as many).
func TestRedWholeNetworkMovedOutLive(t *testing.T) {
	e := newEnv(t)
	c, root, first := wholeNetwork(t, e)
	// The person shown with the biggest branch of at most 30, and that branch.
	var mover string
	var branch []string
	for _, id := range first {
		var below []string
		err := e.app.DB().NewQuery("SELECT descendant FROM network WHERE ancestor = {:id}").Bind(map[string]any{"id": id}).Column(&below)
		if err != nil {
			t.Fatal(err)
		}
		if len(below) <= 30 && len(below) > len(branch) {
			mover, branch = id, below
		}
	}
	held := 0
	for _, id := range first {
		if slices.Contains(branch, id) {
			held++
		}
	}
	if len(branch) < 2 || held < 1 {
		t.Fatalf("no branch to move among the first rows: %d people, %d shown", len(branch), held)
	}
	t.Logf("moving %s with %d people (%d of them shown) out of the network", mover, len(branch), held)
	superuserCall(t, e, http.MethodPost, "/api/red/nodes/"+mover+"/move", `{"parent":""}`, http.StatusOK)
	branchJSON, _ := json.Marshal(branch)
	c.until("the branch's rows to leave and the list to hold 100 rows again", `(ids) => {
		const shown = [...document.querySelectorAll("[data-testid=referidos-table] tbody tr[data-id]")].map((tr) => tr.dataset.id);
		return shown.length === 100 && !JSON.parse(ids).some((id) => shown.includes(id));
	}`, string(branchJSON))
	showAllOnce(t, e, c, root, 149-len(branch))
	c.checkClean()
}

// TestRedWholeNetworkTabFollowsCensus: on "Toda la red" under the tab
// "Con lugar de votación", a person whose census answer changes to one the
// tab does not hold leaves the list live (the rows held are asked again),
// so the server's rows and the list's stay the same ones.
func TestRedWholeNetworkTabFollowsCensus(t *testing.T) {
	e := newEnv(t)
	coord := e.addUser(t, "Carmen Coordinadora", "50000001", "coordinator", "")
	lead := e.addUser(t, "Luis Líder", "50000002", "leader", coord)
	var people []string
	for i, name := range []string{"Ana Activa", "Berta Activa", "Cata Activa"} {
		id := e.addUser(t, name, fmt.Sprint(50000010+i), "member", lead)
		e.setInfo(t, id, map[string]any{"status": "active", "departamento": "HUILA", "municipio": "NEIVA", "puesto": "COLEGIO", "mesa": fmt.Sprint(i + 1)})
		people = append(people, id)
	}
	c := open(t, e.srv.URL, "", 1280)
	c.login("50000001", apptest.Password, true)
	c.nav("/referidos")
	c.until("the direct referidos", `() => document.querySelectorAll("[data-testid=referidos-table] tbody tr[data-id]").length > 0`)
	c.click("[data-testid=whole-network]")
	c.click(`.tabs [data-group="lugar"]`)
	c.until("the three with a place", `() => document.querySelectorAll("[data-testid=referidos-table] tbody tr[data-id]").length === 3`)
	e.setInfo(t, people[1], map[string]any{"status": "not_found"})
	c.until("Berta to leave the tab", `(id) => !document.querySelector('[data-testid=referidos-table] tbody tr[data-id="' + id + '"]') &&
		document.querySelectorAll("[data-testid=referidos-table] tbody tr[data-id]").length === 2`, people[1])
	c.checkClean()
}
