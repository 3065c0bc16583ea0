// Command report reads report JSON documents (one per line of stdin, compact or not, as a JSON
// array of strings) and prints each re-encoded as Go's upload code writes it:
// json.MarshalIndent(report, "", " "), with the field layout of golang.org/x/telemetry's
// internal/telemetry.Report (an internal package, so the struct is restated here, field for field).
package main

import (
	"encoding/json"
	"fmt"
	"os"
)

type ProgramReport struct {
	Program   string
	Version   string
	GoVersion string
	GOOS      string
	GOARCH    string
	Counters  map[string]int64
	Stacks    map[string]int64
}

type Report struct {
	Week     string
	LastWeek string
	X        float64
	Programs []*ProgramReport
	Config   string
}

func main() {
	var docs []string
	if err := json.NewDecoder(os.Stdin).Decode(&docs); err != nil {
		fmt.Fprintln(os.Stderr, "input:", err)
		os.Exit(1)
	}
	var out []string
	for i, d := range docs {
		var r Report
		if err := json.Unmarshal([]byte(d), &r); err != nil {
			fmt.Fprintf(os.Stderr, "report %d: %v\n", i, err)
			os.Exit(1)
		}
		b, err := json.MarshalIndent(&r, "", " ")
		if err != nil {
			fmt.Fprintf(os.Stderr, "report %d: %v\n", i, err)
			os.Exit(1)
		}
		out = append(out, string(b))
	}
	json.NewEncoder(os.Stdout).Encode(out)
}
