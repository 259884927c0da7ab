package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// SectionDiaD is election day (issue 17): leaders' phones mark "ya votó"
// at a steady rate while managers' dashboards listen on the dia-d topic,
// then a coordinator's lists page and .xlsx.
const SectionDiaD = "Día D"

// diadSizes scale the Día D phase.
type diadSizes struct {
	people       int     // the whole campaign, root included
	coordinators int     // under the root; each one's branch is people/coordinators
	leadersPer   int     // leaders under each coordinator; every member is a leader's direct referido
	dashboards   int     // SSE connections on dia-d: the root, the coordinators, then leaders
	marks        int     // "ya votó" marks, each one request by the person's leader
	rate         float64 // marks per second, started on a fixed schedule
	samples      int     // lists page and .xlsx requests
}

// diadRate is the 20,000 marks an hour compressed tenfold: the full
// run's hour takes six minutes.
const diadRate = 20_000.0 / 3600 * 10

func (r *runner) diadSizes() diadSizes {
	if r.opts.Quick {
		return diadSizes{people: 10_000, coordinators: 5, leadersPer: 10, dashboards: 50, marks: 1_000, rate: diadRate, samples: 3}
	}
	return diadSizes{people: 100_000, coordinators: 5, leadersPer: 100, dashboards: 500, marks: 20_000, rate: diadRate, samples: 5}
}

// drawDiaD shapes a campaign of n: a root coordinator, sz.coordinators
// coordinators below it, sz.leadersPer leaders below each, and everyone
// else a leader's direct referido, dealt round the leaders.
func drawDiaD(sz diadSizes) []pyramidPerson {
	people := []pyramidPerson{{parent: -1}}
	for range sz.coordinators {
		people = append(people, pyramidPerson{parent: 0, depth: 1})
	}
	for c := range sz.coordinators {
		for range sz.leadersPer {
			people = append(people, pyramidPerson{parent: 1 + c, depth: 2})
		}
	}
	first, leaders := 1+sz.coordinators, sz.coordinators*sz.leadersPer
	for k := 0; len(people) < sz.people; k++ {
		people = append(people, pyramidPerson{parent: first + k%leaders, depth: 3})
	}
	for i := len(people) - 1; i > 0; i-- {
		people[people[i].parent].size += 1 + people[i].size
	}
	return people
}

// diadServer seeds the campaign, opens an election that is open now and
// measures the Día D section on a server without the census worker.
func (r *runner) diadServer(ctx context.Context) (sec Section, err error) {
	sz := r.diadSizes()
	sec = Section{Name: SectionDiaD}
	dir := filepath.Join(r.root, "diad")
	tmp := filepath.Join(dir, "t")
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return sec, fmt.Errorf("bench: %w", err)
	}
	people := drawDiaD(sz)
	nLeaders := sz.coordinators * sz.leadersPer
	r.progress("diad server: seeding %d people (%d coordinators, %d leaders)", len(people), sz.coordinators, nLeaders)
	start := time.Now()
	managers := make([]int, 1+sz.coordinators+nLeaders) // the root, coordinators and leaders: indexes 0..
	for i := range managers {
		managers[i] = i
	}
	seed, err := seedPeople(filepath.Join(dir, "pb_data"), people, rand.New(rand.NewPCG(17, uint64(sz.people))),
		func([]pyramidPerson) []int { return managers })
	if err != nil {
		return sec, fmt.Errorf("bench: Día D seed: %w", err)
	}
	p := seed.people
	seedTook := time.Since(start)
	s, err := startServer(ctx, serverSpec{
		name: "diad", bin: r.opts.Binary, dataDir: filepath.Join(dir, "pb_data"), tmpDir: tmp, logDir: dir,
		env: map[string]string{
			"PADRON_REGISTRAR_URL": r.reg.WSPURL(), "PADRON_CHROMIUM": r.opts.Chromium,
			"PADRON_PUBLIC_DIR": filepath.Join(dir, "no-frontend"), "PADRON_WORKER": "false",
			// Every simulated dashboard connects from loopback: one address.
			"PADRON_REALTIME_MAX_PER_IP": "100000",
		},
	})
	if err != nil {
		return sec, fmt.Errorf("bench: %w", err)
	}
	defer r.stopServer(s, &err)
	c := newClient(s.base)

	now := time.Now().UTC()
	var election struct{ ID string }
	if _, _, err := c.do(ctx, http.MethodPost, "/api/collections/elections/records", seed.superToken, map[string]any{
		"name": "Elección de prueba", "date": now.Format(pbDate), "current": true,
		"opens_at": now.Add(-time.Hour).Format(pbDate), "closes_at": now.Add(3 * time.Hour).Format(pbDate),
		"options": []string{"Partido A", "Partido B"},
	}, http.StatusOK, &election); err != nil {
		return sec, fmt.Errorf("bench: Día D election: %w", err)
	}
	sec.Setup = fmt.Sprintf("%d people (a root coordinator, %d coordinators of %d, %d leaders), census answered, seeded in %s; census worker off; "+
		"%d dashboards on dia-d over SSE (the root, the coordinators, leaders); %d marks at %.1f/s (the issue's 20,000 an hour ×%.0f), each one request by the person's leader",
		len(p), sz.coordinators, p[1].size, nLeaders, seedTook.Round(time.Second), sz.dashboards, sz.marks, sz.rate, sz.rate*3600/20_000)

	r.progress("diad: %d dashboards, %d marks at %.1f/s", sz.dashboards, sz.marks, sz.rate)
	meter := meterCPU(s, cpuInterval)
	res, err := runDiaD(ctx, c, seed, election.ID, sz)
	cpu := meter.stop()
	if err != nil {
		return sec, fmt.Errorf("bench: Día D: %w", err)
	}
	var stored struct{ TotalItems int }
	if _, _, err := c.do(ctx, http.MethodGet, "/api/collections/vote_marks/records?"+url.Values{
		"filter": {fmt.Sprintf("election = '%s' && status = 'live'", election.ID)}, "perPage": {"1"},
	}.Encode(), seed.superToken, nil, http.StatusOK, &stored); err != nil {
		return sec, fmt.Errorf("bench: Día D: counting the marks: %w", err)
	}
	sec.add("marks stored", float64(stored.TotalItems), "", fmt.Sprintf("of %d sent; %d answered 200", sz.marks, len(res.mark)))
	refused := 0
	var codes []string
	for code, n := range res.refused {
		refused += n
		codes = append(codes, fmt.Sprintf("%s ×%d", code, n))
	}
	slices.Sort(codes)
	note := "must be 0"
	if refused > 0 {
		note = fmt.Sprintf("%s; first: %.160s", strings.Join(codes, ", "), res.firstRefusal)
	}
	sec.add("marks refused", float64(refused), "", note)
	sec.add("marks stored though refused", float64(max(0, stored.TotalItems-len(res.mark))), "",
		"the server stored them, then failed the answer (the phone shows an error for a stored mark)")
	sec.addMs("mark p50", percentile(res.mark, 0.50), "POST /api/collections/vote_marks/records, as the client saw it")
	sec.addMs("mark p95", percentile(res.mark, 0.95), "target < 50 ms")
	sec.addMs("mark max", percentile(res.mark, 1), "")
	sec.add("marks per second", res.rate, "/s", fmt.Sprintf("%d answered in %s", len(res.mark), res.took.Round(100*time.Millisecond)))
	sec.addMs("mark to dashboard p50", percentile(res.delivery, 0.50), "request sent → event read by the dashboard")
	sec.addMs("mark to dashboard p99", percentile(res.delivery, 0.99), fmt.Sprintf("target < 1 s; %d deliveries", len(res.delivery)))
	sec.addMs("mark to dashboard max", percentile(res.delivery, 1), "")
	sec.add("events a dashboard never got", float64(res.lost), "", fmt.Sprintf("must be 0: of its subtree, %s after the last answer", diadLostAfter))
	sec.add("events a dashboard may not see", float64(res.foreign), "", "must be 0: not of its subtree")
	sec.addMs("server CPU per mark", cpu.ServerTime/time.Duration(sz.marks), "the server's CPU time over the marks and their fan-out ÷ marks: what load does not change")
	sec.addCPU("during the marks", cpu)
	if stored.TotalItems < len(res.mark) {
		return sec, fmt.Errorf("bench: Día D: %d marks stored, but %d answered 200", stored.TotalItems, len(res.mark))
	}

	// The lists page of a coordinator, as /dia-d/listas loads it, and the .xlsx.
	co := 1
	token, want := seed.tokens[co], p[co].size
	r.progress("diad: a coordinator's lists page and .xlsx (%d people) ×%d", want, sz.samples)
	var elections, peopleReq, marksReq, page, xlsx []time.Duration
	read := 0
	for range sz.samples {
		d1, _, err := c.do(ctx, http.MethodGet, "/api/collections/elections/records?"+url.Values{
			"filter": {"current = true"}, "sort": {"-date"}, "page": {"1"}, "perPage": {"1"},
		}.Encode(), token, nil, http.StatusOK, nil)
		if err != nil {
			return sec, fmt.Errorf("bench: Día D: current election: %w", err)
		}
		var ppl struct{ People []json.RawMessage }
		d2, _, err := c.do(ctx, http.MethodGet, "/api/dia-d/people", token, nil, http.StatusOK, &ppl)
		if err != nil {
			return sec, fmt.Errorf("bench: Día D: people: %w", err)
		}
		if len(ppl.People) != want {
			return sec, fmt.Errorf("bench: Día D: the coordinator's people are %d, want %d", len(ppl.People), want)
		}
		d3, n, err := fullList(ctx, c, token, "/api/collections/vote_marks/records", fmt.Sprintf(`election = "%s" && status = "live"`, election.ID))
		if err != nil {
			return sec, fmt.Errorf("bench: Día D: marks: %w", err)
		}
		if n < res.ownMarks || n > res.underCoordinator {
			return sec, fmt.Errorf("bench: Día D: the coordinator reads %d marks, want %d (or up to %d, refused but stored)", n, res.ownMarks, res.underCoordinator)
		}
		read = n
		d4, body, err := c.do(ctx, http.MethodGet, "/api/dia-d/lists.xlsx", token, nil, http.StatusOK, nil)
		if err != nil {
			return sec, fmt.Errorf("bench: Día D: lists.xlsx: %w", err)
		}
		if len(body) < 1000 || !strings.HasPrefix(string(body), "PK") {
			return sec, fmt.Errorf("bench: Día D: lists.xlsx is no workbook (%d bytes)", len(body))
		}
		elections, peopleReq, marksReq = append(elections, d1), append(peopleReq, d2), append(marksReq, d3)
		page, xlsx = append(page, d1+d2+d3), append(xlsx, d4)
	}
	note = fmt.Sprintf("n=%d", sz.samples)
	sec.addMs("lists page: current election p50", percentile(elections, 0.50), note)
	sec.addMs(fmt.Sprintf("lists page: /api/dia-d/people (%d) p50", want), percentile(peopleReq, 0.50), note)
	sec.addMs(fmt.Sprintf("lists page: its %d live marks, pages of 1,000, p50", read), percentile(marksReq, 0.50), note)
	sec.addMs("lists page: the three in sequence p50", percentile(page, 0.50), "target ≤ 2 s")
	sec.addMs("lists page: the three in sequence max", percentile(page, 1), "")
	sec.addMs(fmt.Sprintf("coordinator's .xlsx (%d people) p50", want), percentile(xlsx, 0.50), "target ≤ 2 s")
	sec.addMs(fmt.Sprintf("coordinator's .xlsx (%d people) max", want), percentile(xlsx, 1), note)
	return sec, nil
}

// fullList reads every page of a records list as the JS SDK's getFullList
// does (1,000 a page, no totals, until a short page) and says how many.
func fullList(ctx context.Context, c *client, token, path, filter string) (time.Duration, int, error) {
	var took time.Duration
	n := 0
	for pg := 1; ; pg++ {
		var out struct{ Items []json.RawMessage }
		d, _, err := c.do(ctx, http.MethodGet, path+"?"+url.Values{
			"filter": {filter}, "page": {fmt.Sprint(pg)}, "perPage": {"1000"}, "skipTotal": {"1"},
		}.Encode(), token, nil, http.StatusOK, &out)
		if err != nil {
			return 0, 0, err
		}
		took += d
		n += len(out.Items)
		if len(out.Items) < 1000 {
			return took, n, nil
		}
	}
}

// pbDate is how PocketBase writes dates.
const pbDate = "2006-01-02 15:04:05.000Z"

// diadLostAfter is how long after the last mark's answer an owed event may
// still arrive before it counts as never got.
const diadLostAfter = 30 * time.Second

// diadResult is what runDiaD measured.
type diadResult struct {
	mark, delivery   []time.Duration
	took             time.Duration
	rate             float64
	lost, foreign    int
	ownMarks         int            // marks of the first coordinator's subtree answered 200
	underCoordinator int            // marks of the first coordinator's subtree sent
	refused          map[string]int // marks the server did not store, by what it answered
	firstRefusal     error
}

// refusalOf names a failed mark by the code the server answered, or the
// HTTP status, or "no answer".
func refusalOf(err error) string {
	msg := err.Error()
	if _, rest, ok := strings.Cut(msg, `"code":"`); ok {
		code, _, _ := strings.Cut(rest, `"`)
		return code
	}
	if _, rest, ok := strings.Cut(msg, "HTTP "); ok {
		status, _, _ := strings.Cut(rest, ",")
		return "HTTP " + status
	}
	return "no answer"
}

// diadDash is one open dashboard: whose it is and when each mark reached it.
type diadDash struct {
	person int
	mu     sync.Mutex
	got    map[int]time.Time // mark index → read at (the first time)
	extra  int               // events of marks it is not owed
}

// runDiaD opens the dashboards, makes the marks on a fixed schedule (each
// in its own goroutine, so a slow answer never delays the next), then
// waits until every dashboard has every mark of its subtree, or
// diadLostAfter.
func runDiaD(ctx context.Context, c *client, seed *pyramid, election string, sz diadSizes) (diadResult, error) {
	out := diadResult{refused: map[string]int{}}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	p := seed.people
	nLeaders := sz.coordinators * sz.leadersPer
	firstLeader := 1 + sz.coordinators

	// The marks: the k-th is of leader k%L's next referido, by that leader.
	type mark struct {
		id     string
		person int
		sent   time.Time
	}
	referidos := make([][]int, len(p))
	for i := firstLeader + nLeaders; i < len(p); i++ {
		referidos[p[i].parent] = append(referidos[p[i].parent], i)
	}
	marks := make([]mark, sz.marks)
	byID := make(map[string]int, sz.marks)
	for k := range marks {
		l := firstLeader + k%nLeaders
		if k/nLeaders >= len(referidos[l]) {
			return out, fmt.Errorf("leader %d has %d referidos, mark %d wants more", l, len(referidos[l]), k)
		}
		marks[k] = mark{id: fmt.Sprintf("diadmark%07d", k), person: referidos[l][k/nLeaders]}
		byID[marks[k].id] = k
	}

	// The dashboards, and what each is owed: every mark below its person.
	dashOf := map[int]*diadDash{}
	for i := 0; i < len(p) && len(dashOf) < sz.dashboards; i++ {
		dashOf[i] = &diadDash{person: i, got: map[int]time.Time{}}
	}
	owed := make([][]*diadDash, len(marks))
	under1, refusedK := make([]bool, len(marks)), make([]bool, len(marks))
	var remaining atomic.Int64
	for k, m := range marks {
		for a := p[m.person].parent; a >= 0; a = p[a].parent {
			if d := dashOf[a]; d != nil {
				owed[k] = append(owed[k], d)
			}
			if a == 1 {
				under1[k] = true
			}
		}
		remaining.Add(int64(len(owed[k])))
	}
	isOwed := func(d *diadDash, k int) bool {
		for _, o := range owed[k] {
			if o == d {
				return true
			}
		}
		return false
	}
	allIn := make(chan struct{})
	for _, d := range dashOf {
		err := subscribe(ctx, c, seed.tokens[d.person], []string{"dia-d"}, func(ev sseEvent) {
			k, ok := byID[ev.ID]
			d.mu.Lock()
			defer d.mu.Unlock()
			if !ok || !isOwed(d, k) {
				d.extra++
				return
			}
			if _, dup := d.got[k]; !dup {
				d.got[k] = ev.At
				if remaining.Add(-1) == 0 {
					close(allIn)
				}
			}
		})
		if err != nil {
			return out, fmt.Errorf("dashboard of person %d: %w", d.person, err)
		}
	}

	var (
		mu    sync.Mutex
		wg    sync.WaitGroup
		every = time.Duration(float64(time.Second) / sz.rate)
	)
	start := time.Now()
	for k := range marks {
		if wait := time.Until(start.Add(time.Duration(k) * every)); wait > 0 {
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				return out, ctx.Err()
			}
		}
		marks[k].sent = time.Now()
		m := marks[k]
		leader := p[m.person].parent
		wg.Go(func() {
			body := map[string]any{"id": m.id, "user": p[m.person].id, "election": election, "marked_by": p[leader].id,
				"method": "leader", "marked_at": m.sent.UTC().Format(pbDate)}
			d, _, err := c.do(ctx, http.MethodPost, "/api/collections/vote_marks/records", seed.tokens[leader], body, http.StatusOK, nil)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				// Counted, not fatal: a refused mark is a finding of the run.
				out.refused[refusalOf(err)]++
				refusedK[k] = true
				if out.firstRefusal == nil {
					out.firstRefusal = err
				}
				for _, dd := range owed[k] { // nobody is owed a mark that was not stored
					dd.mu.Lock()
					if _, got := dd.got[k]; !got {
						dd.got[k] = time.Time{} // settled, not delivered
						if remaining.Add(-1) == 0 {
							close(allIn)
						}
					}
					dd.mu.Unlock()
				}
				return
			}
			out.mark = append(out.mark, d)
		})
	}
	wg.Wait()
	out.took = time.Since(start)
	out.rate = float64(len(out.mark)) / out.took.Seconds()
	for k := range marks {
		if under1[k] {
			out.underCoordinator++
			if !refusedK[k] {
				out.ownMarks++
			}
		}
	}
	if len(out.mark) == 0 {
		return out, fmt.Errorf("no mark was stored, first refusal: %w", out.firstRefusal)
	}
	select {
	case <-allIn:
	case <-time.After(diadLostAfter):
	case <-ctx.Done():
		return out, ctx.Err()
	}
	out.lost = int(remaining.Load())
	for _, d := range dashOf {
		d.mu.Lock()
		out.foreign += d.extra
		for k, at := range d.got {
			if at.IsZero() {
				continue // a refused mark
			}
			out.delivery = append(out.delivery, at.Sub(marks[k].sent))
		}
		d.mu.Unlock()
	}
	if len(out.delivery) == 0 {
		return out, fmt.Errorf("no mark reached any dashboard")
	}
	return out, nil
}
