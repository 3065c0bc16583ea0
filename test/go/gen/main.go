// Command gen writes a count file with Go's own golang.org/x/telemetry/counter package, so
// the tests can check that our reader reads Go's files exactly (test/go-interop).
//
// Usage: gen '<spec JSON>', where the spec is
//
//	{"dir": "<telemetry dir>", "before": [[name, n]], "after": [[name, n]],
//	 "stack": {"name": name, "depth": 8, "a": 3, "b": 1}}
//
// Each n is a decimal string (values up to 2^63-1). "before" increments happen before the
// directory is opened; "after" ones after it, in order. The stack counter is incremented
// from two call sites, a and b times.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"

	"golang.org/x/telemetry/counter"
)

type spec struct {
	Dir    string      `json:"dir"`
	Before [][2]string `json:"before"`
	After  [][2]string `json:"after"`
	Stack  *struct {
		Name  string `json:"name"`
		Depth int    `json:"depth"`
		A, B  int
	} `json:"stack"`
}

func main() {
	var s spec
	if len(os.Args) != 2 || json.Unmarshal([]byte(os.Args[1]), &s) != nil || s.Dir == "" {
		fail("usage: gen '<spec JSON with dir>'")
	}
	add(s.Before)
	counter.OpenDir(s.Dir)
	add(s.After)
	if s.Stack != nil {
		c := counter.NewStack(s.Stack.Name, s.Stack.Depth)
		for i := 0; i < s.Stack.A; i++ {
			siteA(c)
		}
		for i := 0; i < s.Stack.B; i++ {
			siteB(c)
		}
	}
}

// Two call sites, so the stack counter has two distinct stacks.
func siteA(c *counter.StackCounter) { c.Inc() }
func siteB(c *counter.StackCounter) { c.Inc() }

// Counters are looked up by name, so a name listed twice adds to the same counter.
var made = map[string]*counter.Counter{}

func add(list [][2]string) {
	for _, e := range list {
		n, err := strconv.ParseInt(e[1], 10, 64)
		if err != nil || n < 0 {
			fail(fmt.Sprintf("bad count %q for %q", e[1], e[0]))
		}
		c := made[e[0]]
		if c == nil {
			c = counter.New(e[0])
			made[e[0]] = c
		}
		c.Add(n)
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "gen:", msg)
	os.Exit(2)
}
