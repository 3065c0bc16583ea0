module transparent-telemetry/test/go

go 1.23.0

require (
	golang.org/x/mod v0.27.0
	golang.org/x/telemetry v0.0.0-20250807160809-1a19826ec488
)

require (
	golang.org/x/sync v0.16.0 // indirect
	golang.org/x/sys v0.35.0 // indirect
)
