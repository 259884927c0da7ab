package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/padron/padron/schema"
)

func init() {
	m.Register(upDiaD, downDiaD)
}

// E14PhotoMaxSize is the largest E-14 photo accepted: a phone's camera
// picture of one sheet, compressed.
const E14PhotoMaxSize = 8 << 20

// Rules of election day. Every visibility rule goes through
// schema.SeesUserRule, so the pyramid's tree (when it lands) governs marks,
// testigos and E-14 reports as it governs the census data; who manages
// people (marks others, assigns testigos) is schema.ManagerRule.
var (
	// signedIn reads the elections: everyone on the app sees the day's hours.
	signedIn = `@request.auth.id != ""`
	// marksReadRule: the marked person and those above them, and whoever
	// made the mark (named in schema: the Día D feed knows it).
	marksReadRule = schema.MarksReadRule
	// marksCreateRule: one's own mark ("Ya voté"), a manager's mark of someone
	// they see, or a testigo's mark (the hook checks the mesa). The hook checks
	// the open hours and turns a re-send into the stored record.
	marksCreateRule = `@request.auth.id != "" && marked_by = @request.auth.id && (` +
		`(method = "self" && user = @request.auth.id) || ` +
		`(method = "leader" && ` + schema.ManagerRule + ` && (` + schema.SeesUserRule("user") + `)) || ` +
		`(method = "testigo" && @collection.testigos.user ?= @request.auth.id))`
	// marksUndoRule: the author of a live mark may undo it (the hook allows
	// only that change, within five minutes).
	marksUndoRule = `marked_by = @request.auth.id && status = "live"`
	// testigosReadRule: the testigo, those above them, and who assigned them.
	testigosReadRule = `(` + schema.SeesUserRule("user") + `) || assigned_by = @request.auth.id`
	// testigosCreateRule: a manager assigns someone they see.
	testigosCreateRule = `@request.auth.id != "" && assigned_by = @request.auth.id && ` + schema.ManagerRule +
		` && (` + schema.SeesUserRule("user") + `)`
	// e14ReadRule: the testigo and those above them (the photo too: it is protected).
	e14ReadRule = schema.SeesUserRule("testigo.user")
	// e14CreateRule: the testigo of a live assignment reports their own mesa.
	e14CreateRule = `@request.auth.id != "" && reported_by = @request.auth.id && testigo.user = @request.auth.id && testigo.status = "live"`
)

// upDiaD adds election day: elections, "ya votó" marks, testigos and their
// E-14 reports. Nothing here is deleted by ordinary users: a correction is a
// new record that replaces the previous one (status), which stays.
func upDiaD(app core.App) error {
	users, err := app.FindCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		return err
	}

	elections := core.NewBaseCollection(schema.ElectionsCollection)
	elections.ListRule, elections.ViewRule = types.Pointer(signedIn), types.Pointer(signedIn)
	elections.Fields.Add(
		&core.TextField{Name: "name", Required: true, Max: 200},
		&core.DateField{Name: "date", Required: true},
		// opens_at and closes_at default to 08:00 and 16:00 Colombian time of date (hook).
		&core.DateField{Name: "opens_at"},
		&core.DateField{Name: "closes_at"},
		// options are the candidates or options of the E-14, in ballot order.
		&core.JSONField{Name: "options", MaxSize: 1 << 14},
		&core.BoolField{Name: "current"},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	elections.AddIndex("idx_elections_current", false, "current", "")
	if err := app.Save(elections); err != nil {
		return err
	}

	testigos := core.NewBaseCollection(schema.TestigosCollection)
	testigos.ListRule, testigos.ViewRule = types.Pointer(testigosReadRule), types.Pointer(testigosReadRule)
	testigos.CreateRule = types.Pointer(testigosCreateRule)
	testigos.Fields.Add(
		&core.RelationField{Name: "user", Required: true, CollectionId: users.Id, MaxSelect: 1, CascadeDelete: true},
		&core.RelationField{Name: "election", Required: true, CollectionId: elections.Id, MaxSelect: 1, CascadeDelete: true},
		&core.TextField{Name: "departamento", Required: true, Max: 100},
		&core.TextField{Name: "municipio", Required: true, Max: 100},
		&core.TextField{Name: "puesto", Required: true, Max: 200},
		&core.TextField{Name: "mesa", Required: true, Max: 10},
		&core.RelationField{Name: "assigned_by", Required: true, CollectionId: users.Id, MaxSelect: 1},
		// status (server-set): live, or replaced by a later assignment of the mesa or the person.
		&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: []string{"live", "replaced"}},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	testigos.AddIndex("idx_testigos_mesa", true, "election, departamento, municipio, puesto, mesa", "status = 'live'")
	testigos.AddIndex("idx_testigos_user", true, "election, user", "status = 'live'")
	if err := app.Save(testigos); err != nil {
		return err
	}

	// Marks come after testigos: their create rule reads the testigos.
	marks := core.NewBaseCollection(schema.VoteMarksCollection)
	marks.ListRule, marks.ViewRule = types.Pointer(marksReadRule), types.Pointer(marksReadRule)
	marks.CreateRule, marks.UpdateRule = types.Pointer(marksCreateRule), types.Pointer(marksUndoRule)
	marks.Fields.Add(
		&core.RelationField{Name: "user", Required: true, CollectionId: users.Id, MaxSelect: 1, CascadeDelete: true},
		&core.RelationField{Name: "election", Required: true, CollectionId: elections.Id, MaxSelect: 1, CascadeDelete: true},
		&core.RelationField{Name: "marked_by", Required: true, CollectionId: users.Id, MaxSelect: 1},
		&core.SelectField{Name: "method", Required: true, MaxSelect: 1, Values: []string{"leader", "self", "testigo"}},
		// marked_at is when the mark was made, as the client says (an offline
		// queue sends it later); the hook keeps it inside the open hours.
		&core.DateField{Name: "marked_at", Required: true},
		// status (server-set): live (the one mark that counts), duplicate
		// (someone else had marked the person first: kept, not counted),
		// undone (its author took it back).
		&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: []string{"live", "duplicate", "undone"}},
		// duplicate_of is the live mark a duplicate found.
		&core.TextField{Name: "duplicate_of", Max: 15},
		&core.DateField{Name: "undone_at"},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	marks.AddIndex("idx_vote_marks_live", true, "user, election", "status = 'live'")
	marks.AddIndex("idx_vote_marks_election", false, "election, status", "")
	marks.AddIndex("idx_vote_marks_marked_by", false, "marked_by", "")
	if err := app.Save(marks); err != nil {
		return err
	}

	e14 := core.NewBaseCollection(schema.E14Collection)
	e14.ListRule, e14.ViewRule = types.Pointer(e14ReadRule), types.Pointer(e14ReadRule)
	e14.CreateRule = types.Pointer(e14CreateRule)
	e14.Fields.Add(
		&core.RelationField{Name: "testigo", Required: true, CollectionId: testigos.Id, MaxSelect: 1, CascadeDelete: true},
		&core.RelationField{Name: "election", Required: true, CollectionId: elections.Id, MaxSelect: 1, CascadeDelete: true},
		&core.RelationField{Name: "reported_by", Required: true, CollectionId: users.Id, MaxSelect: 1},
		// The mesa, copied from the testigo's assignment by the hook.
		&core.TextField{Name: "departamento", Max: 100},
		&core.TextField{Name: "municipio", Max: 100},
		&core.TextField{Name: "puesto", Max: 200},
		&core.TextField{Name: "mesa", Max: 10},
		// votes maps each of the election's options to its votes.
		&core.JSONField{Name: "votes", Required: true, MaxSize: 1 << 14},
		&core.NumberField{Name: "blank", OnlyInt: true, Min: types.Pointer(0.0)},
		// null_votes are the "votos nulos" (PocketBase reserves the name "null").
		&core.NumberField{Name: "null_votes", OnlyInt: true, Min: types.Pointer(0.0)},
		&core.NumberField{Name: "unmarked", OnlyInt: true, Min: types.Pointer(0.0)},
		&core.NumberField{Name: "total", OnlyInt: true, Min: types.Pointer(0.0)},
		&core.FileField{Name: "photo", MaxSelect: 1, MaxSize: E14PhotoMaxSize, Protected: true,
			MimeTypes: []string{"image/jpeg", "image/png", "image/webp", "image/heic", "image/heif"}},
		// flagged (server-set): the counts do not add up to the total; kept, not refused.
		&core.BoolField{Name: "flagged"},
		&core.TextField{Name: "flag_reason", Max: 300},
		// status (server-set): live, or replaced by the testigo's later report.
		&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: []string{"live", "replaced"}},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	e14.AddIndex("idx_e14_live", true, "testigo", "status = 'live'")
	e14.AddIndex("idx_e14_election", false, "election, status", "")
	return app.Save(e14)
}

func downDiaD(app core.App) error {
	for _, name := range []string{schema.E14Collection, schema.TestigosCollection, schema.VoteMarksCollection, schema.ElectionsCollection} {
		col, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			continue
		}
		if err := app.Delete(col); err != nil {
			return err
		}
	}
	return nil
}
