// Package demo makes a realistic campaign to look at: a pyramid of
// Colombian names, phones and cédulas whose census answers the fake
// registrar knows, registered over weeks, written straight into a data
// directory so `padron demo` shows the whole app full in seconds.
package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/padron/padron/census"
	"github.com/padron/padron/fakeregistrar"
)

// Roles as the campaign plans them; Seed stores RoleCoordinator as a leader
// when the data model has no coordinator role.
const (
	RoleCoordinator = "coordinator"
	RoleLeader      = "leader"
	RoleMember      = "member"
)

// Defaults of Options.
const (
	// PeopleDefault is the size of the default campaign.
	PeopleDefault = 5000
	// MinPeople is the smallest campaign that still has every role and the full depth.
	MinPeople = 20
	// MaxPeople bounds a campaign, so a typo cannot fill the disk.
	MaxPeople = 200_000
	// MaxDepth is the deepest level below the root (0): eight levels in all.
	MaxDepth = 7
	// Password is every demo person's password (and the demo superuser's).
	Password = "clave-demo-2026"
	// SuperuserEmail logs into the dashboard at /_/.
	SuperuserEmail = "admin@demo.padron.test"
)

// span is how far back the campaign's registrations go.
const span = 42 * 24 * time.Hour

// Options say which campaign Generate draws.
type Options struct {
	// People is how many people, MinPeople to MaxPeople. Default PeopleDefault.
	People int
	// Seed picks the draw: the same seed gives the same campaign. Default 1.
	Seed uint64
	// Now is the moment registrations lead up to. Default time.Now().
	Now time.Time
}

// Person is one member of the campaign, in registration order: a person's
// referrer always comes before them.
type Person struct {
	// Parent is the index of the referrer, -1 for the root coordinator.
	Parent int
	// Depth is the distance from the root (0).
	Depth int
	// Role is RoleCoordinator, RoleLeader or RoleMember.
	Role                string
	Name, Cedula, Phone string
	// Created is when they registered.
	Created time.Time
	// Status is their census record's status (census.Status*); pending
	// ones are checked by the worker once the server runs.
	Status string
	// Answer is the registrar's answer the fake gives for the cédula, and
	// that the seeded record shows when Status is an answer.
	Answer fakeregistrar.Fixture
	// ReferralGoal and SubtreeGoal are their goals (0: none).
	ReferralGoal, SubtreeGoal int
	// Direct and Subtree count the people directly below and at any depth.
	Direct, Subtree int
	// ID is their users record id, once seeded.
	ID string
}

// Campaign is a drawn campaign: its people and the logins worth printing.
type Campaign struct {
	People []Person
	// Coordinator, Leader and Member index People: the root coordinator, a
	// leader with sub-leaders below, a member who referred people.
	Coordinator, Leader, Member int
}

// Depth is the deepest level any person is at (the root is 0).
func (c *Campaign) Depth() int {
	d := 0
	for _, p := range c.People {
		d = max(d, p.Depth)
	}
	return d
}

// Fixtures are the fake registrar's answers for every demo cédula, so a
// refresh in the demo gets the answer the seeded record shows.
func (c *Campaign) Fixtures() []fakeregistrar.Fixture {
	out := make([]fakeregistrar.Fixture, 0, len(c.People))
	for _, p := range c.People {
		out = append(out, p.Answer)
	}
	return out
}

// Generate draws a campaign: a root coordinator, coordinators by zone,
// leaders and sub-leaders with uneven branches (a few recruit most), members
// who sometimes recruit too, up to MaxDepth below the root; registrations
// accelerate over six weeks, the last few still waiting for their check.
func Generate(opts Options) (*Campaign, error) {
	if opts.People == 0 {
		opts.People = PeopleDefault
	}
	if opts.People < MinPeople || opts.People > MaxPeople {
		return nil, fmt.Errorf("demo: %d people: want %d to %d", opts.People, MinPeople, MaxPeople)
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	g := &generator{
		rng:     rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15)),
		n:       opts.People,
		cedulas: map[string]bool{},
		phones:  map[string]bool{},
	}
	g.draw()
	g.stamp(opts.Now)
	g.answer()
	g.count()
	g.goals()
	c := &Campaign{People: g.people}
	c.pickLogins()
	return c, nil
}

// generator holds a draw in progress.
type generator struct {
	rng     *rand.Rand
	n       int
	people  []Person
	zone    []int     // each person's zone (index into zones)
	asBoss  []float64 // weight as the referrer of a new member
	leaders int       // leaders still to place
	cedulas map[string]bool
	phones  map[string]bool
}

// weight caps: rejection sampling draws uniformly and keeps a candidate
// with probability weight/cap.
const (
	capMember = 40.0
	capLeader = 6.0
)

func (g *generator) add(parent int, role string) int {
	depth, zone := 0, 0
	if parent >= 0 {
		depth, zone = g.people[parent].Depth+1, g.zone[parent]
	}
	i := len(g.people)
	if parent == 0 && role == RoleCoordinator {
		zone = (i - 1) % len(zones)
	}
	g.people = append(g.people, Person{
		Parent: parent, Depth: depth, Role: role,
		Name: g.name(), Cedula: g.cedula(), Phone: g.phone(),
	})
	g.zone = append(g.zone, zone)
	var w float64
	switch role {
	case RoleCoordinator:
		w = 1.5
	case RoleLeader:
		// Pareto: most leaders bring a handful, a few bring hundreds.
		w = min(capMember, 2.5*math.Pow(1/(1-g.rng.Float64()), 1/1.3))
	default:
		w = 0.08
		if g.rng.Float64() < 0.12 {
			w = 1.2 // an active member who brings neighbours along
		}
	}
	if depth >= MaxDepth {
		w = 0
	}
	g.asBoss = append(g.asBoss, w)
	return i
}

func (g *generator) draw() {
	coords := min(5, max(2, g.n/1000))
	g.leaders = max(4, g.n*3/100)
	g.add(-1, RoleCoordinator)
	for range coords {
		g.add(0, RoleCoordinator)
	}
	// A spine down to the deepest level in the first zone, so every
	// campaign has all eight levels.
	p := 1
	for d := 2; d <= MaxDepth; d++ {
		role := RoleMember
		if d <= 4 {
			role = RoleLeader
			g.leaders--
		}
		p = g.add(p, role)
	}
	for len(g.people) < g.n {
		left := g.n - len(g.people)
		if g.leaders > 0 && g.rng.IntN(left) < g.leaders*3/2 {
			g.leaders--
			g.add(g.leaderBoss(), RoleLeader)
			continue
		}
		g.add(g.memberBoss(), RoleMember)
	}
}

// leaderBoss picks a new leader's referrer: mostly a coordinator, else a
// leader above them (who makes them a sub-leader).
func (g *generator) leaderBoss() int {
	for {
		i := g.rng.IntN(len(g.people))
		var w float64
		switch p := g.people[i]; {
		case p.Depth >= MaxDepth-2:
		case p.Role == RoleCoordinator && i > 0:
			w = capLeader
		case p.Role == RoleLeader:
			w = 1
		}
		if w > 0 && g.rng.Float64()*capLeader < w {
			return i
		}
	}
}

// memberBoss picks a new member's referrer by their recruiting weight.
func (g *generator) memberBoss() int {
	for {
		i := g.rng.IntN(len(g.people))
		if w := g.asBoss[i]; w > 0 && g.rng.Float64()*capMember < w {
			return i
		}
	}
}

// stamp dates the registrations: accelerating towards now, each after
// their referrer, the last few minutes ago.
func (g *generator) stamp(now time.Time) {
	n := len(g.people)
	start := now.Add(-span)
	for i := range g.people {
		x := float64(i) / float64(n)
		t := start.Add(time.Duration(math.Pow(x, 0.65) * float64(span-30*time.Minute)))
		t = t.Add(time.Duration(g.rng.IntN(int(time.Minute))))
		if i > 0 && !t.After(g.people[i-1].Created) {
			t = g.people[i-1].Created.Add(time.Second)
		}
		g.people[i].Created = t.UTC().Truncate(time.Millisecond)
	}
	// The last ones registered minutes ago: their checks are still running.
	pending := g.pendingCount()
	for k := range pending {
		i := n - pending + k
		g.people[i].Created = now.Add(-time.Duration(pending-k) * 20 * time.Second).UTC().Truncate(time.Millisecond)
		g.people[i].Status = census.StatusPending
	}
}

func (g *generator) pendingCount() int { return min(40, max(3, g.n/150)) }

// answer gives every cédula its census answer: mostly found in the
// person's zone, some not found, some cancelled, a few checks failed.
func (g *generator) answer() {
	for i := range g.people {
		p := &g.people[i]
		f := fakeregistrar.Fixture{Cedula: p.Cedula, Case: fakeregistrar.CaseFound}
		status := p.Status
		u := g.rng.Float64()
		switch {
		case i <= 1 || p.Role == RoleCoordinator:
			// The logins and the top always vote.
		case u < 0.05:
			f.Case = fakeregistrar.CaseNotFound
		case u < 0.065:
			f.Case, f.Novedad = fakeregistrar.CaseCancelledDeceased, "Cancelada por Muerte"
		case u < 0.08:
			f.Case, f.Novedad = fakeregistrar.CaseCancelledOther, "Cancelada por Doble Cedulación"
		case u < 0.09 && status == "":
			status = census.StatusError // the fake finds it on a refresh
		}
		if f.Novedad != "" {
			f.Resolucion = strconv.Itoa(1000+g.rng.IntN(8000)) + " de " + strconv.Itoa(2015+g.rng.IntN(10))
			f.FechaNovedad = fmt.Sprintf("%02d/%02d/%d", 1+g.rng.IntN(28), 1+g.rng.IntN(12), 2015+g.rng.IntN(10))
		}
		if f.Case == fakeregistrar.CaseFound {
			pu := g.place(g.zone[i])
			f.Departamento, f.Municipio, f.Puesto, f.Direccion = departamento, pu.municipio, pu.nombre, pu.direccion
			f.Mesa = strconv.Itoa(1 + g.rng.IntN(40))
		}
		if status == "" {
			status = census.StatusOf(census.Outcome(f.Want().Outcome))
		}
		p.Answer, p.Status = f, status
	}
}

// place picks a polling station: in the zone four times in five.
func (g *generator) place(zone int) puesto {
	if g.rng.IntN(5) > 0 {
		var in []puesto
		for _, p := range puestos {
			if p.municipio == zones[zone] {
				in = append(in, p)
			}
		}
		return in[g.rng.IntN(len(in))]
	}
	return puestos[g.rng.IntN(len(puestos))]
}

// count fills every person's direct and subtree counts.
func (g *generator) count() {
	for i := len(g.people) - 1; i > 0; i-- {
		p := g.people[i]
		g.people[p.Parent].Direct++
		g.people[p.Parent].Subtree += p.Subtree + 1
	}
}

// goals sets goals the way coordinators do: a stretch over what each
// branch has, rounded to fives; members keep the default of ten referidos.
func (g *generator) goals() {
	round5 := func(f float64) int { return max(10, int(math.Round(f/5))*5) }
	for i := range g.people {
		p := &g.people[i]
		switch p.Role {
		case RoleCoordinator:
			p.ReferralGoal = round5(float64(p.Direct) * 1.2)
			p.SubtreeGoal = round5(float64(p.Subtree) * (1.1 + 0.3*g.rng.Float64()))
		case RoleLeader:
			p.ReferralGoal = round5(float64(p.Direct) * (0.8 + 0.8*g.rng.Float64()))
			p.SubtreeGoal = round5(float64(p.Subtree) * (0.8 + 0.8*g.rng.Float64()))
		default:
			p.ReferralGoal = 10
		}
	}
}

// pickLogins chooses whom the demo offers to log in as.
func (c *Campaign) pickLogins() {
	c.Coordinator, c.Leader, c.Member = 0, -1, -1
	for i, p := range c.People {
		switch p.Role {
		case RoleLeader:
			// The biggest branch among leaders with a sub-leader below.
			if p.Depth == 2 && c.hasLeaderBelow(i) && (c.Leader < 0 || p.Subtree > c.People[c.Leader].Subtree) {
				c.Leader = i
			}
		case RoleMember:
			if p.Direct > 0 && p.Status == census.StatusActive && (c.Member < 0 || p.Direct > c.People[c.Member].Direct) {
				c.Member = i
			}
		}
	}
}

func (c *Campaign) hasLeaderBelow(i int) bool {
	for _, p := range c.People {
		if p.Parent == i && p.Role == RoleLeader {
			return true
		}
	}
	return false
}

func (g *generator) name() string {
	sex := g.rng.IntN(2)
	first := givenNames[sex][g.rng.IntN(len(givenNames[sex]))]
	if g.rng.IntN(3) == 0 {
		first += " " + middleNames[sex][g.rng.IntN(len(middleNames[sex]))]
	}
	return first + " " + surnames[g.rng.IntN(len(surnames))] + " " + surnames[g.rng.IntN(len(surnames))]
}

// cedula draws an unused number: older people have 7 or 8 digits, younger
// ones the 10-digit series from 1.000.000.000.
func (g *generator) cedula() string {
	for {
		var c string
		if g.rng.IntN(3) == 0 {
			c = strconv.Itoa(1_000_000_000 + g.rng.IntN(130_000_000))
		} else {
			c = strconv.Itoa(4_000_000 + g.rng.IntN(95_000_000))
		}
		if !g.cedulas[c] {
			g.cedulas[c] = true
			return c
		}
	}
}

func (g *generator) phone() string {
	for {
		p := mobilePrefixes[g.rng.IntN(len(mobilePrefixes))] + fmt.Sprintf("%07d", g.rng.IntN(10_000_000))
		if !g.phones[p] {
			g.phones[p] = true
			return p
		}
	}
}
