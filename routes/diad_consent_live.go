package routes

import (
	"encoding/json"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/schema"
	"github.com/padron/padron/tree"
)

// Día D's pendientes offer WhatsApp only while a person's messaging
// authorisation is in force (SIC Circular 002/2026). An open dashboard
// hears on the DiaDTopic, from the same recipients as a mark (the person
// and the leaders and coordinators above them: the users rule), when one
// of its people gives or withdraws that authorisation, or withdraws every
// consent and so leaves (the account is deleted): no `users/*`
// subscription per dashboard, whose rule PocketBase would query per
// dashboard inside every users save.

// The actions of a DiaDPersonEvent.
const (
	// DiaDPersonConsent: the person's contact_consent changed.
	DiaDPersonConsent = "consent"
	// DiaDPersonDelete: the person's account is gone (consent withdrawn).
	DiaDPersonDelete = "delete"
)

// DiaDPersonEvent is what a DiaDTopic subscriber receives about one of its
// people: only what Día D needs to follow, never the whole users record.
type DiaDPersonEvent struct {
	Action string       `json:"action"`
	Person DiaDPersonID `json:"person"`
}

// DiaDPersonID is a person in a DiaDPersonEvent: their id and their
// messaging authorisation as it is after the change.
type DiaDPersonID struct {
	ID             string `json:"id"`
	ContactConsent bool   `json:"contact_consent"`
}

// bindDiaDConsentLive sends DiaDPersonEvents after a users save that
// changed contact_consent, and after a users delete, commits. A delete's
// recipients are read before it, while the closure table still holds the
// person's chain. Named hooks: binding twice replaces them.
func bindDiaDConsentLive(app core.App) {
	keepAcrossUpdate(app, schema.UsersCollection, across{"padronDiaDConsentBefore", "padronDiaDConsentError", "padronDiaDConsent"},
		func(e *core.RecordEvent) (struct{}, bool) {
			changed := originalUser(e).GetBool("contact_consent") != e.Record.GetBool("contact_consent")
			return struct{}{}, changed && hasDiaDSubscribers(e.App)
		},
		func(e *core.RecordEvent, _ struct{}) {
			to, err := tree.ManagersAbove(e.App, e.Record.Id)
			if err != nil {
				e.App.Logger().Error("dia-d realtime: consent", "error", err)
				return
			}
			to[e.Record.Id] = true // the person reads themself
			sendDiaDPerson(e.App, to, DiaDPersonConsent, e.Record)
		})

	keepAcrossDelete(app, schema.UsersCollection, across{"padronDiaDLeavingBefore", "padronDiaDLeavingError", "padronDiaDLeaving"},
		func(e *core.RecordEvent) (map[string]bool, bool) {
			if !hasDiaDSubscribers(e.App) {
				return nil, false
			}
			to, err := tree.ManagersAbove(e.App, e.Record.Id)
			if err != nil {
				e.App.Logger().Error("dia-d realtime: leaving", "error", err)
				return nil, false
			}
			return to, len(to) > 0
		},
		func(e *core.RecordEvent, to map[string]bool) { sendDiaDPerson(e.App, to, DiaDPersonDelete, e.Record) })
}

// sendDiaDPerson tells to of action on person.
func sendDiaDPerson(app core.App, to map[string]bool, action string, person *core.Record) {
	data, err := json.Marshal(DiaDPersonEvent{Action: action, Person: DiaDPersonID{
		ID: person.Id, ContactConsent: action == DiaDPersonConsent && person.GetBool("contact_consent"),
	}})
	if err != nil {
		return
	}
	sendDiaDTo(app, to, data)
}
