// Package pbpublic embeds the web app, so the binary serves it from any
// working directory and the Docker image needs no files beside it;
// webapp.Serve prefers a pb_public directory on disk when one exists.
package pbpublic

import (
	"embed"
	"io/fs"
)

// files holds only the app: index.html and assets/, never this Go file.
//
//go:embed index.html assets
var files embed.FS

// FS is the web app as shipped in the binary.
var FS fs.FS = files
