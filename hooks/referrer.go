package hooks

import (
	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/schema"
)

// maxReferralDepth bounds the walk up the referral chain; a deeper chain is
// refused like a cycle rather than walked for ever.
const maxReferralDepth = 10_000

var (
	errSelfReferral  = validation.NewError("referral_self", "Una persona no puede ser su propio referidor.")
	errReferralCycle = validation.NewError("referral_cycle", "Ese referidor está debajo de esta persona en la red: se formaría un ciclo.")
)

// checkReferrer refuses a referred_by (which only superusers set) that
// makes a person their own referrer or closes a loop, where each of two
// leaders would see the other's census data.
func checkReferrer(app core.App, rec *core.Record) error {
	ref := rec.GetString("referred_by")
	if ref == "" {
		return nil
	}
	if rec.Id != "" && ref == rec.Id {
		return errSelfReferral
	}
	if rec.Id == "" {
		return nil // a new person has nobody below them yet
	}
	for range maxReferralDepth {
		var next struct {
			ReferredBy string `db:"referred_by"`
		}
		err := app.RecordQuery(schema.UsersCollection).Select("referred_by").
			AndWhere(dbx.HashExp{"id": ref}).Limit(1).One(&next)
		if err != nil || next.ReferredBy == "" {
			return nil // the chain ends (or the referrer is unknown: PocketBase says so)
		}
		if next.ReferredBy == rec.Id {
			return errReferralCycle
		}
		ref = next.ReferredBy
	}
	return errReferralCycle
}
