//go:build tools

// Pins Go's own reader: the tests build golang.org/x/telemetry/cmd/gotelemetry from the
// required version and read our count files with its `dump` subcommand (Go's Parse).
package tools

import _ "golang.org/x/telemetry/cmd/gotelemetry"
