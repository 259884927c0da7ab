package apierrors

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
)

// StorageErrorsMiddlewarePriority runs inside the client-error middleware,
// so a storage failure PocketBase reported as a 400 ("Failed to create
// record.") is turned into a 5xx before that middleware sees it.
const StorageErrorsMiddlewarePriority = ClientErrorsMiddlewarePriority + 1

// Storage failure kinds, as data.code names them.
const (
	StorageFull     = "storage_full"      // the disk (or quota) is full
	StorageReadOnly = "storage_read_only" // the data directory refuses writes
	StorageIO       = "storage_io"        // the disk failed a read or write
)

// storageSignatures map what SQLite and the kernel say to a kind; matched
// on the lowercased message anywhere in the error chain.
var storageSignatures = []struct{ text, kind string }{
	{"database or disk is full", StorageFull},
	{"sqlite_full", StorageFull},
	{"no space left on device", StorageFull},
	{"disk quota exceeded", StorageFull},
	{"readonly database", StorageReadOnly},
	{"read-only file system", StorageReadOnly},
	{"sqlite_readonly", StorageReadOnly},
	{"disk i/o error", StorageIO},
	{"sqlite_ioerr", StorageIO},
}

// StorageFailure names the storage failure behind err (StorageFull, ...),
// "" when err is something else. PocketBase keeps the cause of an API
// error as its raw data; that is searched too.
func StorageFailure(err error) string {
	for err != nil {
		msg := strings.ToLower(err.Error())
		for _, s := range storageSignatures {
			if strings.Contains(msg, s.text) {
				return s.kind
			}
		}
		var apiErr *router.ApiError
		if errors.As(err, &apiErr) {
			if raw, ok := apiErr.RawData().(error); ok && raw != err {
				err = raw
				continue
			}
		}
		err = errors.Unwrap(err)
	}
	return ""
}

// storageMessages are what a person reads; the operator reads the log.
var storageMessages = map[string]string{
	StorageFull:     "El servidor se quedó sin espacio en disco y no pudo guardar los datos. Inténtalo más tarde; nada de lo ya guardado se perdió.",
	StorageReadOnly: "El servidor no puede escribir sus datos en este momento. Inténtalo más tarde; nada de lo ya guardado se perdió.",
	StorageIO:       "El disco del servidor falló al guardar los datos. Inténtalo más tarde; nada de lo ya guardado se perdió.",
}

// storageErrors answers a request that failed because the data directory
// cannot be written with 507 (full) or 503 and a stable data.code, instead
// of PocketBase's generic "Failed to create record." 400, and logs it at
// ERROR for the operator on log (stderr: the app's own log lives in the
// same full or read-only directory).
func storageErrors(log *slog.Logger) *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       "padronStorageErrors",
		Priority: StorageErrorsMiddlewarePriority,
		Func: func(e *core.RequestEvent) error {
			err := e.Next()
			kind := StorageFailure(err)
			if kind == "" || e.Written() {
				return err
			}
			status := http.StatusServiceUnavailable
			if kind == StorageFull {
				status = http.StatusInsufficientStorage
			}
			l := log
			if l == nil {
				l = e.App.Logger()
			}
			l.Error("storage: the data directory refused a write; free space or make it writable",
				"kind", kind, "dir", e.App.DataDir(), "method", e.Request.Method, "path", e.Request.URL.Path, "err", rootCause(err))
			return New(status, kind, storageMessages[kind], nil)
		},
	}
}

// rootCause is the innermost error PocketBase kept, for the log.
func rootCause(err error) error {
	var apiErr *router.ApiError
	if errors.As(err, &apiErr) {
		if raw, ok := apiErr.RawData().(error); ok {
			return raw
		}
	}
	return err
}
