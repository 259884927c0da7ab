package fakeregistrar

import (
	"fmt"
	"net/http"
)

// f5BlockPage is F5 BIG-IP ASM's default block page, byte for byte in shape.
const f5BlockPage = `<html><head><title>Request Rejected</title></head><body>The requested URL was rejected. Please consult with your administrator.<br><br>Your support ID is: %s<br><br><a href='javascript:history.back();'>[Go Back]</a></body></html>`

// spanishBlockPage is the registrar's Spanish variant (APPROX in the contract).
const spanishBlockPage = `<!DOCTYPE html>
<html lang="es">
<head><meta charset="utf-8"><title>Registraduría Nacional del Estado Civil</title>
<style>body{font-family:Arial,sans-serif;background:#f4f4f4}.blocked{max-width:640px;margin:80px auto;background:#fff;padding:24px;border-top:4px solid #b00}.blocked h3{color:#b00}</style></head>
<body><div class="blocked"><h3>Lo sentimos, se presentó un evento de seguridad</h3>
<p>La URL solicitada fue rechazada. Por favor comuníquese con el administrador.</p>
<p>Su ID de soporte es: %s</p>
<p><a href="javascript:history.back();">[Regresar]</a></p></div></body></html>`

// writeBlock answers with the firewall's block page and the given status.
func (s *Server) writeBlock(w http.ResponseWriter, status int) {
	page := f5BlockPage
	if s.cfg.BlockStyle == BlockSpanish {
		page = spanishBlockPage
	}
	s.setTSCookie(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Connection", "close")
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, page, supportID())
}

// blockPage serves a block page for a page load (not a lookup) and counts it.
func (s *Server) blockPage(w http.ResponseWriter) {
	s.mu.Lock()
	s.counters.Blocks++
	s.mu.Unlock()
	s.writeBlock(w, http.StatusOK)
}
