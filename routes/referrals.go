package routes

import (
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/schema"
)

// ReferralInfo is what the registration page may learn about who invited the
// visitor: a first name to greet them with, nothing else.
type ReferralInfo struct {
	Code      string `json:"code"`
	FirstName string `json:"first_name"`
}

func bindReferrals(se *core.ServeEvent) {
	se.Router.GET("/api/referrals/{code}", referralLookup)
}

func referralLookup(e *core.RequestEvent) error {
	code := e.Request.PathValue("code")
	if len(code) != 8 {
		return e.NotFoundError("Este enlace de invitación no existe.", nil)
	}
	referrer, err := e.App.FindFirstRecordByData(schema.UsersCollection, "referral_code", code)
	if err != nil {
		return e.NotFoundError("Este enlace de invitación no existe.", nil)
	}
	first, _, _ := strings.Cut(referrer.GetString("name"), " ")
	return e.JSON(http.StatusOK, ReferralInfo{Code: code, FirstName: first})
}
