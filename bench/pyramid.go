package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"time"
)

// SectionPyramid is the pyramid's section (issue 16): the red endpoints,
// registrations by depth and a branch move on a deep campaign.
const SectionPyramid = "Pyramid"

// pyramidSizes scale the Pyramid section.
type pyramidSizes struct {
	people, samples, regs int
}

func (r *runner) pyramidSizes() pyramidSizes {
	if r.opts.Quick {
		return pyramidSizes{people: 20_000, samples: 20, regs: 20}
	}
	return pyramidSizes{people: 200_000, samples: 50, regs: 40}
}

// pyramidRoles are the people the phase acts as, by index in the pyramid.
type pyramidRoles struct {
	root   int // the campaign's top coordinator
	leader int // a leader at depth 4 with the largest subtree there
	deep   int // someone at depth 11: their referidos land at depth 12
	branch int // the branch that moves: the subtree nearest people/20
	target int // where it moves: a depth-2 node in another coordinator's branch
}

// pickRoles chooses pyramidRoles in people.
func pickRoles(people []pyramidPerson) pyramidRoles {
	top := func(i int) int { // the depth-1 coordinator above i
		for people[i].depth > 1 {
			i = people[i].parent
		}
		return i
	}
	r := pyramidRoles{leader: -1, deep: -1, branch: -1, target: -1}
	want := len(people) / 20
	for i, p := range people {
		switch {
		case p.depth == 4 && (r.leader < 0 || p.size > people[r.leader].size):
			r.leader = i
		case p.depth == pyramidDepth-1 && r.deep < 0:
			r.deep = i
		}
		if p.depth >= 2 && (r.branch < 0 || abs(p.size-want) < abs(people[r.branch].size-want)) {
			r.branch = i
		}
	}
	for i, p := range people {
		if p.depth == 2 && top(i) != top(r.branch) {
			r.target = i
			break
		}
	}
	return r
}

func abs(x int) int { return max(x, -x) }

// pyramidServer seeds a pyramid, serves it without the census worker (no
// lookups compete with the figures) and measures the Pyramid section.
func (r *runner) pyramidServer(ctx context.Context) (sec Section, err error) {
	sz := r.pyramidSizes()
	sec = Section{Name: SectionPyramid}
	dir := filepath.Join(r.root, "pyramid")
	tmp := filepath.Join(dir, "t")
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return sec, fmt.Errorf("bench: %w", err)
	}
	r.progress("pyramid server: seeding %d people, %d levels deep", sz.people, pyramidDepth)
	start := time.Now()
	var roles pyramidRoles
	var chain []int // the people above the live registrations
	pyr, err := seedPyramid(filepath.Join(dir, "pb_data"), sz.people, func(p []pyramidPerson) []int {
		roles = pickRoles(p)
		chain = liveChain(p, roles.branch)
		return append([]int{roles.root, roles.leader}, chain...)
	})
	if err != nil {
		return sec, fmt.Errorf("bench: pyramid seed: %w", err)
	}
	seedTook := time.Since(start)
	if roles.leader < 0 || roles.deep < 0 || roles.branch < 0 || roles.target < 0 {
		return sec, fmt.Errorf("bench: pyramid of %d has no leader, depth-11 person or branch to move: %+v", sz.people, roles)
	}
	p := pyr.people
	sec.Setup = fmt.Sprintf("%d people, %d levels below the root, %d coordinators under it; seeded in %s; census worker off; one request at a time",
		len(p), pyramidDepth, pyramidWidth, seedTook.Round(time.Second))
	s, err := startServer(ctx, serverSpec{
		name: "pyramid", bin: r.opts.Binary, dataDir: filepath.Join(dir, "pb_data"), tmpDir: tmp, logDir: dir,
		env: map[string]string{
			"PADRON_REGISTRAR_URL": r.reg.WSPURL(), "PADRON_CHROMIUM": r.opts.Chromium,
			"PADRON_PUBLIC_DIR": filepath.Join(dir, "no-frontend"), "PADRON_WORKER": "false",
		},
	})
	if err != nil {
		return sec, fmt.Errorf("bench: %w", err)
	}
	defer r.stopServer(s, &err)
	c := newClient(s.base)
	meter := meterCPU(s, cpuInterval)

	root, leader := pyr.tokens[roles.root], pyr.tokens[roles.leader]
	rootID, leaderID := p[roles.root].id, p[roles.leader].id
	leaderPage := "/api/collections/users/records?" + url.Values{
		"filter": {"id != '" + leaderID + "'"}, "sort": {"-created"}, "page": {"1"}, "perPage": {"50"}, "skipTotal": {"1"},
	}.Encode()
	type read struct {
		name, path, token string
		samples           int
		check             func([]byte) error
	}
	wantTotal := func(field string, n int) func([]byte) error {
		return func(b []byte) error {
			var m map[string]any
			if json.Unmarshal(b, &m) != nil || m[field] != float64(n) {
				return fmt.Errorf("want %s %d: %.200s", field, n, b)
			}
			return nil
		}
	}
	reads := []read{
		{"root stats", "/api/red/nodes/" + rootID + "/stats", root, sz.samples, wantTotal("total", p[roles.root].size)},
		{"root node", "/api/red/nodes/me", root, sz.samples, wantTotal("subtree_count", p[roles.root].size)},
		{"root children (page of 50)", "/api/red/nodes/" + rootID + "/children?perPage=50", root, sz.samples, wantTotal("totalItems", pyramidWidth)},
		{fmt.Sprintf("a leader's children (depth 4, %d below)", p[roles.leader].size), "/api/red/nodes/me/children?perPage=50", leader, sz.samples, nil},
		{fmt.Sprintf("a leader's rule-filtered page of 50 (%d below)", p[roles.leader].size), leaderPage, leader, sz.samples, func(b []byte) error {
			var page struct{ Items []any }
			if json.Unmarshal(b, &page) != nil || len(page.Items) != min(50, p[roles.leader].size) {
				return fmt.Errorf("leader page: %.200s", b)
			}
			return nil
		}},
		{fmt.Sprintf("the same page from /api/red/nodes/me/subtree (%d below)", p[roles.leader].size), "/api/red/nodes/me/subtree?perPage=50", leader, sz.samples, func(b []byte) error {
			var page struct {
				TotalItems int
				Items      []struct{ ID string }
			}
			if json.Unmarshal(b, &page) != nil || len(page.Items) != min(50, p[roles.leader].size) || page.TotalItems != p[roles.leader].size {
				return fmt.Errorf("leader subtree page: %.200s", b)
			}
			return nil
		}},
		{"root ranking by size (page of 50)", "/api/red/nodes/" + rootID + "/ranking?by=size&perPage=50", root, max(5, sz.samples/5), nil},
	}
	for _, rd := range reads {
		r.progress("pyramid: %s ×%d", rd.name, rd.samples)
		durs := make([]time.Duration, 0, rd.samples)
		for range rd.samples {
			d, body, err := c.do(ctx, http.MethodGet, rd.path, rd.token, nil, http.StatusOK, nil)
			if err != nil {
				return sec, fmt.Errorf("bench: pyramid %s: %w", rd.name, err)
			}
			if rd.check != nil {
				if err := rd.check(body); err != nil {
					return sec, fmt.Errorf("bench: pyramid %s: %w", rd.name, err)
				}
			}
			durs = append(durs, d)
		}
		sec.addMs(rd.name+" p50", percentile(durs, 0.50), "")
		sec.addMs(rd.name+" p95", percentile(durs, 0.95), fmt.Sprintf("n=%d", rd.samples))
	}

	// Registrations at depth 12 and at depth 1, alternated so the
	// machine's load falls on both alike.
	r.progress("pyramid: %d registrations at depth 12 and %d at depth 1, alternated", sz.regs, sz.regs)
	var deep, shallow []time.Duration
	for i := range 2 * sz.regs {
		ref := p[roles.root].code
		if i%2 == 0 {
			ref = p[roles.deep].code
		}
		body := map[string]any{
			"name": "Votante de Prueba", "cedula": fmt.Sprint(regCedulas + i), "phone": "3001234567",
			"password": password, "passwordConfirm": password, "data_policy_accepted": true, "ref": ref,
		}
		d, _, err := c.do(ctx, http.MethodPost, "/api/collections/users/records", "", body, http.StatusOK, nil)
		if err != nil {
			return sec, fmt.Errorf("bench: pyramid registration: %w", err)
		}
		if i%2 == 0 {
			deep = append(deep, d)
		} else {
			shallow = append(shallow, d)
		}
	}
	d12, d1 := percentile(deep, 0.50), percentile(shallow, 0.50)
	sec.addMs("registration at depth 12 p50", d12, fmt.Sprintf("n=%d, with bcrypt", sz.regs))
	sec.addMs("registration at depth 1 p50", d1, fmt.Sprintf("n=%d", sz.regs))
	sec.add("registration depth 12 ÷ depth 1", float64(d12)/float64(d1), "x", "goal ≤ 1.1")

	if err := r.pyramidLive(ctx, &sec, c, pyr, chain, sz.regs); err != nil {
		return sec, err
	}

	// The move, there and back.
	b := p[roles.branch]
	r.progress("pyramid: moving a branch of %d people there and back", b.size+1)
	var moves, moveCPU []time.Duration
	for _, to := range []string{p[roles.target].id, p[b.parent].id} {
		var out struct{ Moved int }
		// The server's own CPU time for the move (ticks of 10 ms): steadier
		// than the wall time on a machine others load.
		before, _ := procTicks(s.pid())
		d, _, err := c.do(ctx, http.MethodPost, "/api/red/nodes/"+b.id+"/move", root, map[string]any{"parent": to}, http.StatusOK, &out)
		if err != nil {
			return sec, fmt.Errorf("bench: pyramid move: %w", err)
		}
		if out.Moved != b.size+1 {
			return sec, fmt.Errorf("bench: pyramid move moved %d, want %d", out.Moved, b.size+1)
		}
		after, _ := procTicks(s.pid())
		moves, moveCPU = append(moves, d), append(moveCPU, time.Duration(after-before)*time.Second/userHZ)
	}
	sec.addMs(fmt.Sprintf("move of a %d-person branch (depth 2 → 3)", b.size+1), moves[0], "goal ≤ 2,000 ms at 10,000")
	sec.addMs("the same branch back (depth 3 → 2)", moves[1], "")
	sec.addMs("server CPU for the move there", moveCPU[0], "the server process's CPU time")
	sec.addMs("server CPU for the move back", moveCPU[1], "")
	sec.addCPU("during the section", meter.stop())
	return sec, nil
}
