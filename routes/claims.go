package routes

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/padron/padron/habeas"
	"github.com/padron/padron/schema"
)

// ClaimResolution is the answer to a superuser's resolution of a cédula
// claim.
type ClaimResolution struct {
	Claim  string `json:"claim"`
	Status string `json:"status"`
	// NewUser is the claimant's new account, when the cédula was handed over.
	NewUser string `json:"new_user,omitempty"`
}

func bindClaims(se *core.ServeEvent) {
	se.Router.POST("/api/cedula-claims/{id}/transfer", transferClaim).Bind(apis.RequireSuperuserAuth())
	se.Router.POST("/api/cedula-claims/{id}/reject", rejectClaim).Bind(apis.RequireSuperuserAuth())
}

// claimNote is the optional body of a resolution.
type claimNote struct {
	Note string `json:"note"`
}

// resolveClaim reads the note, opens the claim in one transaction, lets
// apply settle it (status, resolution_note, resolved_at set after), saves
// it and answers with the resolution: the frame both resolutions share.
func resolveClaim(status string, apply func(tx core.App, claim *core.Record) (newUser string, err error)) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		body, err := readClaimNote(e)
		if err != nil {
			return err
		}
		res := ClaimResolution{Status: status}
		err = e.App.RunInTransaction(func(tx core.App) error {
			claim, err := openClaim(tx, e.Request.PathValue("id"))
			if err != nil {
				return err
			}
			if res.NewUser, err = apply(tx, claim); err != nil {
				return err
			}
			claim.Set("status", status)
			claim.Set("resolution_note", body.Note)
			claim.Set("resolved_at", time.Now().UTC())
			if err := tx.Save(claim); err != nil {
				return fmt.Errorf("resolve the claim: %w", err)
			}
			res.Claim = claim.Id
			return nil
		})
		if err != nil {
			return claimError(err)
		}
		return e.JSON(http.StatusOK, res)
	}
}

// transferClaim hands a claimed cédula to its claimant: the account that
// held it is closed (deleted, kept as it was on the claim), and the
// claimant becomes a member with the password they chose, whose census
// check starts as a new registration's does.
var transferClaim = resolveClaim("transferred", func(tx core.App, claim *core.Record) (string, error) {
	ced := claim.GetString("cedula")
	if holder, err := tx.FindFirstRecordByData(schema.UsersCollection, "cedula", ced); err == nil {
		claim.Set("replaced", map[string]any{
			"id": holder.Id, "name": holder.GetString("name"), "phone": holder.GetString("phone"),
			"email": holder.Email(), "role": holder.GetString("role"), "referred_by": holder.GetString("referred_by"),
			"created": holder.GetString("created"),
		})
		if err := tx.Delete(holder); err != nil {
			return "", fmt.Errorf("close the account holding the cédula: %w", err)
		}
	}
	users, err := tx.FindCachedCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		return "", err
	}
	u := core.NewRecord(users)
	u.Set("name", claim.GetString("name"))
	u.Set("cedula", ced)
	u.Set("phone", claim.GetString("phone"))
	if email := claim.GetString("email"); email != "" {
		u.SetEmail(email)
	}
	u.Set("role", schema.RoleMember)
	u.Set("referral_goal", schema.DefaultReferralGoal)
	u.Set("data_policy_version", claim.GetString("data_policy_version"))
	u.Set("data_policy_accepted_at", claim.GetString("created"))
	u.Set("contact_consent", claim.GetBool("contact_consent"))
	pw, _ := claim.GetRaw("password").(*core.PasswordFieldValue)
	if pw == nil || pw.Hash == "" {
		return "", errors.New("the claim has no password")
	}
	u.SetRaw("password", &core.PasswordFieldValue{Hash: pw.Hash})
	if err := tx.Save(u); err != nil {
		return "", fmt.Errorf("register the claimant: %w", err)
	}
	// The claim form's authorisations, in the consents record as a
	// registration's: the version and the hash of each text shown.
	version := claim.GetString("data_policy_version")
	if err := habeas.Append(tx, u.Id, habeas.PurposeProcessing, true, version, claim.GetString("data_policy_sha256"), habeas.SourceClaim); err != nil {
		return "", err
	}
	if claim.GetBool("contact_consent") {
		if err := habeas.Append(tx, u.Id, habeas.PurposeMessaging, true, version, claim.GetString("contact_consent_sha256"), habeas.SourceClaim); err != nil {
			return "", err
		}
	}
	claim.Set("new_user", u.Id)
	return u.Id, nil
})

// rejectClaim closes a claim without changing any account.
var rejectClaim = resolveClaim("rejected", func(core.App, *core.Record) (string, error) { return "", nil })

// readClaimNote reads a resolution's optional body.
func readClaimNote(e *core.RequestEvent) (claimNote, error) {
	var body claimNote
	if err := e.BindBody(&body); err != nil {
		return body, apiError(http.StatusBadRequest, "invalid_body", "No pudimos leer los datos enviados.", nil)
	}
	return body, nil
}

func errClaimNotFound() *router.ApiError {
	return apiError(http.StatusNotFound, "claim_not_found", "Este reclamo no existe.", nil)
}

func errClaimResolved() *router.ApiError {
	return apiError(http.StatusConflict, "claim_resolved", "Este reclamo ya fue resuelto.", nil)
}

func openClaim(tx core.App, id string) (*core.Record, error) {
	claim, err := tx.FindRecordById(schema.ClaimsCollection, id)
	if err != nil {
		return nil, errClaimNotFound()
	}
	if claim.GetString("status") != "open" {
		return nil, errClaimResolved()
	}
	return claim, nil
}

func claimError(err error) error {
	var api *router.ApiError
	if errors.As(err, &api) {
		return api
	}
	return fmt.Errorf("resolve cédula claim: %w", err)
}
