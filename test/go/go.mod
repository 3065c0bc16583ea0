module transparent-telemetry/test/go

go 1.24.0

require (
	github.com/transparency-dev/formats v0.1.0
	golang.org/x/mod v0.32.0
	golang.org/x/telemetry v0.0.0-20250807160809-1a19826ec488
)

require (
	golang.org/x/sync v0.16.0 // indirect
	golang.org/x/sys v0.35.0 // indirect
)
