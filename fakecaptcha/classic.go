package fakecaptcha

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
)

// classicCodes spells each fault as the classic API does.
var classicCodes = map[fault]string{
	faultNoKey:            "ERROR_KEY_DOES_NOT_EXIST",
	faultBadKey:           "ERROR_WRONG_USER_KEY",
	faultZeroBalance:      "ERROR_ZERO_BALANCE",
	faultNoSlot:           "ERROR_NO_SLOT_AVAILABLE",
	faultUnsolvable:       "ERROR_CAPTCHA_UNSOLVABLE",
	faultNoSuchID:         "ERROR_WRONG_CAPTCHA_ID",
	faultBadParams:        "ERROR_BAD_PARAMETERS",
	faultTaskNotSupported: "ERROR_BAD_PARAMETERS",
}

// classicIn serves in.php: submit a task (GET or POST form).
func (s *Server) classicIn(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rec := TaskRecord{
		API:       "classic",
		Key:       r.Form.Get("key"),
		SiteKey:   r.Form.Get("googlekey"),
		PageURL:   r.Form.Get("pageurl"),
		UserAgent: r.Form.Get("userAgent"),
		Type:      r.Form.Get("method"),
	}
	jsonMode := r.Form.Get("json") == "1"
	if f := checkKey(rec.Key); f != ok {
		classicFail(w, jsonMode, classicCodes[f])
		return
	}
	switch {
	case rec.Type != "userrecaptcha":
		classicFail(w, jsonMode, "ERROR_BAD_PARAMETERS")
		return
	case rec.SiteKey == "":
		classicFail(w, jsonMode, "ERROR_GOOGLEKEY")
		return
	case rec.PageURL == "":
		classicFail(w, jsonMode, "ERROR_PAGEURL")
		return
	}
	id, f := s.submit(rec)
	if f != ok {
		classicFail(w, jsonMode, classicCodes[f])
		return
	}
	classicOK(w, jsonMode, id, "OK|"+id)
}

// classicRes serves res.php: action=get, reportbad or getbalance.
func (s *Server) classicRes(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	key, id := r.Form.Get("key"), r.Form.Get("id")
	jsonMode := r.Form.Get("json") == "1"
	switch r.Form.Get("action") {
	case "get":
		token, ready, f := s.poll(key, id)
		switch {
		case f != ok:
			classicFail(w, jsonMode, classicCodes[f])
		case !ready:
			classicFail(w, jsonMode, "CAPCHA_NOT_READY")
		default:
			classicOK(w, jsonMode, token, "OK|"+token)
		}
	case "reportbad":
		if f := s.reportBad(key, id); f != ok {
			classicFail(w, jsonMode, classicCodes[f])
			return
		}
		classicOK(w, jsonMode, "OK_REPORT_RECORDED", "OK_REPORT_RECORDED")
	case "getbalance":
		b, f := s.balance(key)
		if f != ok {
			classicFail(w, jsonMode, classicCodes[f])
			return
		}
		v := strconv.FormatFloat(b, 'f', -1, 64)
		classicOK(w, jsonMode, v, v)
	default:
		classicFail(w, jsonMode, "ERROR_EMPTY_ACTION")
	}
}

// classicOK answers success: {"status":1,"request":v} with json=1, else plain.
func classicOK(w http.ResponseWriter, jsonMode bool, v, plain string) {
	if jsonMode {
		writeJSON(w, map[string]any{"status": 1, "request": v})
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, plain)
}

// classicFail answers with a code, as 2captcha does: HTTP 200 and status 0.
func classicFail(w http.ResponseWriter, jsonMode bool, code string) {
	if jsonMode {
		writeJSON(w, map[string]any{"status": 0, "request": code, "error_text": classicText[code]})
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, code)
}

// classicText is the error_text sent with some codes.
var classicText = map[string]string{
	"ERROR_WRONG_USER_KEY":     "You've provided key parameter value in incorrect format.",
	"ERROR_KEY_DOES_NOT_EXIST": "The key you've provided does not exists.",
	"ERROR_ZERO_BALANCE":       "You don't have funds on your account.",
	"ERROR_NO_SLOT_AVAILABLE":  "No slots available, retry in a few seconds.",
	"ERROR_CAPTCHA_UNSOLVABLE": "Workers could not solve the captcha.",
	"ERROR_WRONG_CAPTCHA_ID":   "You've provided incorrect captcha ID.",
}

// writeJSON sends v as a JSON 200 answer.
func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
