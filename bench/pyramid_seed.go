package bench

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/padron/padron/census"
	"github.com/padron/padron/config"
	"github.com/padron/padron/schema"
	padron "github.com/padron/padron/server"
	"github.com/padron/padron/tree"
)

// pyramidDepth is how many levels sit below the pyramid's root.
const pyramidDepth = 12

// pyramidWidth is how many coordinators report to the root.
const pyramidWidth = 30

// pyramidPerson is one seeded person of the pyramid.
type pyramidPerson struct {
	id, code string
	parent   int // index, -1 for the root
	depth    int
	size     int // people below
}

// pyramid is a seeded campaign: people in breadth-first order (parents
// before children), the root first.
type pyramid struct {
	people     []pyramidPerson
	superToken string
	tokens     map[int]string // index → auth token, for the people the phase acts as
}

// drawPyramid shapes n people into a pyramid pyramidDepth levels deep:
// pyramidWidth coordinators under the root, then each level wider by a
// constant ratio, each person under a parent of the level above drawn with
// a skew, so branches are uneven (a few large, many small).
func drawPyramid(n int, rng *rand.Rand) []pyramidPerson {
	ratio := 1.0
	for total := 0.0; total < float64(n-1); ratio += 0.001 {
		total = 0
		for d := range pyramidDepth {
			total += pyramidWidth * math.Pow(ratio, float64(d))
		}
	}
	people := []pyramidPerson{{parent: -1}}
	prev := []int{0}
	for d := 1; d <= pyramidDepth; d++ {
		count := int(math.Round(pyramidWidth * math.Pow(ratio, float64(d-1))))
		if d == pyramidDepth {
			count = max(1, n-len(people))
		}
		level := make([]int, 0, count)
		for range count {
			if len(people) == n {
				break
			}
			u := rng.Float64()
			parent := prev[int(float64(len(prev))*u*u)]
			people = append(people, pyramidPerson{parent: parent, depth: d})
			level = append(level, len(people)-1)
		}
		prev = level
	}
	for i := len(people) - 1; i > 0; i-- {
		people[people[i].parent].size += 1 + people[i].size
	}
	return people
}

// seedPyramid creates dataDir with Padrón's schema, a superuser and n
// people in a pyramid, written as plain inserts in one transaction (the
// rows the registration hooks would write; the closure table and its
// counters rebuilt at the end), registrations spread over six weeks and
// census answers in 30 municipios and 300 puestos.
func seedPyramid(dataDir string, n int, tokensFor func(p []pyramidPerson) []int) (*pyramid, error) {
	rng := rand.New(rand.NewPCG(16, uint64(n)))
	return seedPeople(dataDir, drawPyramid(n, rng), rng, tokensFor)
}

// seedPeople is seedPyramid for people already drawn (parents before
// children, sizes counted), so other phases can seed other shapes.
func seedPeople(dataDir string, people []pyramidPerson, rng *rand.Rand, tokensFor func(p []pyramidPerson) []int) (*pyramid, error) {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dataDir})
	if err := app.Bootstrap(); err != nil {
		return nil, fmt.Errorf("seed %s: bootstrap: %w", dataDir, err)
	}
	defer app.ResetBootstrapState()
	if err := app.RunAllMigrations(); err != nil {
		return nil, fmt.Errorf("seed %s: migrations: %w", dataDir, err)
	}
	if _, err := padron.Build(app, config.Default(), padron.WithoutWorker()); err != nil {
		return nil, fmt.Errorf("seed %s: wire: %w", dataDir, err)
	}
	s := app.Settings()
	s.RateLimits.Enabled = false
	if err := app.Save(s); err != nil {
		return nil, fmt.Errorf("settings: %w", err)
	}
	supers, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		return nil, err
	}
	su := core.NewRecord(supers)
	su.SetEmail(superEmail)
	su.SetPassword(password)
	if err := app.Save(su); err != nil {
		return nil, fmt.Errorf("superuser: %w", err)
	}
	out := &pyramid{tokens: map[int]string{}}
	if out.superToken, err = su.NewAuthToken(); err != nil {
		return nil, err
	}
	users, err := app.FindCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		return nil, err
	}
	probe := core.NewRecord(users)
	probe.SetPassword(password)
	pv, _ := probe.GetRaw(core.FieldNamePassword).(*core.PasswordFieldValue)
	if pv == nil || pv.Hash == "" {
		return nil, fmt.Errorf("hashing the password gave no hash")
	}

	out.people = people
	now := time.Now().UTC()
	span := 42 * 24 * time.Hour
	stamp := func(t time.Time) string { return t.Format(types.DefaultDateLayout) }
	// Two prepared statements, bound per row: preparing one per row would
	// compile cedula_info's triggers each time.
	userCols := []string{"id", "name", "cedula", "phone", "role", "referral_code", "referred_by", "referral_goal",
		"data_policy_accepted_at", "data_policy_version", core.FieldNamePassword, core.FieldNameTokenKey,
		core.FieldNameEmail, core.FieldNameEmailVisibility, core.FieldNameVerified, "created", "updated"}
	infoCols := []string{"id", "user", "status", "requested_at", "queue_kind", "queued_by", "created", "updated",
		"departamento", "municipio", "puesto", "mesa", "fetched_at"}
	insert := func(tx core.App, table string, cols []string) *dbx.Query {
		names := make([]string, len(cols))
		for i, c := range cols {
			names[i] = "{:" + c + "}"
		}
		return tx.DB().NewQuery("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES (" +
			strings.Join(names, ", ") + ")").Prepare()
	}
	err = app.RunInTransaction(func(tx core.App) error {
		// The triggers on cedula_info (the counters') would walk the still
		// empty closure table for every census row: they are set aside, as
		// the schema has them, and put back before Rebuild counts everything.
		var triggers []struct {
			Name string `db:"name"`
			SQL  string `db:"sql"`
		}
		if err := tx.DB().NewQuery("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = {:t}").
			Bind(dbx.Params{"t": schema.CedulaInfoCollection}).All(&triggers); err != nil {
			return fmt.Errorf("census triggers: %w", err)
		}
		for _, tr := range triggers {
			if _, err := tx.DB().NewQuery("DROP TRIGGER " + tr.Name).Execute(); err != nil {
				return fmt.Errorf("set aside trigger %s: %w", tr.Name, err)
			}
		}
		insUser, insInfo := insert(tx, schema.UsersCollection, userCols), insert(tx, schema.CedulaInfoCollection, infoCols)
		defer insUser.Close()
		defer insInfo.Close()
		for i := range out.people {
			p := &out.people[i]
			p.id = core.GenerateDefaultRandomId()
			p.code = fmt.Sprintf("p%07x", i)
			role, parent := schema.RoleMember, ""
			switch {
			case p.depth <= 1:
				role = schema.RoleCoordinator
			case p.size > 0:
				role = schema.RoleLeader
			}
			if p.parent >= 0 {
				parent = out.people[p.parent].id
			}
			created := stamp(now.Add(-span + time.Duration(float64(span)*float64(i)/float64(len(out.people)))))
			_, err := insUser.Bind(dbx.Params{
				"id": p.id, "name": "Persona de Prueba", "cedula": fmt.Sprint(seedCedulas + i),
				"phone": fmt.Sprintf("3%09d", i), "role": role, "referral_code": p.code, "referred_by": parent,
				"referral_goal": schema.DefaultReferralGoal, "data_policy_accepted_at": created,
				"data_policy_version":  schema.PolicyVersion,
				core.FieldNamePassword: pv.Hash, core.FieldNameTokenKey: security.RandomString(50),
				core.FieldNameEmail: "", core.FieldNameEmailVisibility: false, core.FieldNameVerified: false,
				"created": created, "updated": created,
			}).Execute()
			if err != nil {
				return fmt.Errorf("user %d: %w", i, err)
			}
			status, mun := census.StatusActive, rng.IntN(30)
			switch r := rng.IntN(100); {
			case r < 5:
				status = census.StatusNotFound
			case r < 8:
				status = census.StatusPending
			case r < 10:
				status = census.StatusError
			}
			row := dbx.Params{
				"id": core.GenerateDefaultRandomId(), "user": p.id, "status": status,
				"requested_at": created, "queue_kind": string(census.KindFirst), "queued_by": p.id,
				"created": created, "updated": created,
				"departamento": "", "municipio": "", "puesto": "", "mesa": "", "fetched_at": "",
			}
			if status == census.StatusActive {
				row["departamento"], row["municipio"] = "HUILA", fmt.Sprintf("MUNICIPIO %02d", mun)
				row["puesto"], row["mesa"] = fmt.Sprintf("PUESTO %02d-%d", mun, rng.IntN(10)), "1"
				row["fetched_at"] = stamp(now.Add(-2 * time.Hour))
			}
			if _, err := insInfo.Bind(row).Execute(); err != nil {
				return fmt.Errorf("census record %d: %w", i, err)
			}
		}
		for _, tr := range triggers {
			if _, err := tx.DB().NewQuery(tr.SQL).Execute(); err != nil {
				return fmt.Errorf("put back a census trigger: %w", err)
			}
		}
		return tree.Rebuild(tx)
	})
	if err != nil {
		return nil, err
	}
	for _, i := range tokensFor(out.people) {
		rec, err := app.FindRecordById(schema.UsersCollection, out.people[i].id)
		if err != nil {
			return nil, err
		}
		if out.tokens[i], err = rec.NewAuthToken(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
