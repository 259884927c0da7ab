// Package e2e holds Padrón's whole-system tests: the server built by the
// same composition function as the binary (package server), or the built
// binary itself, against the fake registrar and captcha service on
// loopback, with a real Chromium. It has no production code.
package e2e
