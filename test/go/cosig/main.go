// Command cosig runs transparency-dev/formats/note (pinned in ../go.mod), an independent
// implementation of c2sp.org/tlog-cosignature v1, for the tests of config/tlog/cosignature.ts
// (test/config/cosignature-go.test.ts), so both see the same keys and cosignatures.
//
// It reads a JSON array of requests on stdin and prints a JSON array of results, one per request:
//
//	{"op": "cosign", "signer": k, "text": t}           -> {"note", "keyHash"}: NewSignerForCosignatureV1(k), then note.Sign
//	{"op": "open", "verifiers": [k...], "note": b}     -> {"text", "verified": [names], "times": [unix seconds], "keyHashes"}
//
// A verifier key of type 0x04 goes through NewVerifierForCosignatureV1, any other through
// formats' NewVerifier (0x01: golang.org/x/mod's Ed25519). "note" in an open request is base64.
// Any failure gives {"error": "<Go's message>"} for that request.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	fnote "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"
)

type request struct {
	Op        string   `json:"op"`
	Signer    string   `json:"signer"`
	Text      string   `json:"text"`
	Verifiers []string `json:"verifiers"`
	Note      []byte   `json:"note"`
}

type result struct {
	Note      string   `json:"note,omitempty"`
	KeyHash   string   `json:"keyHash,omitempty"`
	KeyHashes []string `json:"keyHashes,omitempty"`
	Text      string   `json:"text,omitempty"`
	Verified  []string `json:"verified,omitempty"`
	Times     []int64  `json:"times,omitempty"`
	Error     string   `json:"error,omitempty"`
}

func main() {
	var reqs []request
	if err := json.NewDecoder(os.Stdin).Decode(&reqs); err != nil {
		fmt.Fprintln(os.Stderr, "cosig: stdin is not a JSON array of requests:", err)
		os.Exit(2)
	}
	out := make([]result, len(reqs))
	for i, r := range reqs {
		res, err := run(r)
		if err != nil {
			res = result{Error: err.Error()}
		}
		out[i] = res
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		os.Exit(1)
	}
}

func run(r request) (result, error) {
	switch r.Op {
	case "cosign":
		s, err := fnote.NewSignerForCosignatureV1(r.Signer)
		if err != nil {
			return result{}, fmt.Errorf("signer key: %w", err)
		}
		n, err := note.Sign(&note.Note{Text: r.Text}, s)
		if err != nil {
			return result{}, err
		}
		return result{Note: string(n), KeyHash: fmt.Sprintf("%08x", s.KeyHash())}, nil
	case "open":
		var vs []note.Verifier
		var hashes []string
		for _, k := range r.Verifiers {
			v, err := fnote.NewVerifier(k)
			if err != nil {
				return result{}, fmt.Errorf("verifier key: %w", err)
			}
			vs = append(vs, v)
			hashes = append(hashes, fmt.Sprintf("%08x", v.KeyHash()))
		}
		n, err := note.Open(r.Note, note.VerifierList(vs...))
		if err != nil {
			return result{}, err
		}
		res := result{Text: n.Text, KeyHashes: hashes}
		for _, s := range n.Sigs {
			res.Verified = append(res.Verified, s.Name)
			t, err := fnote.CoSigV1Timestamp(s)
			if err != nil {
				t = t.Add(0) // not a cosignature (the log's own signature): time 0
			}
			res.Times = append(res.Times, t.Unix())
		}
		return res, nil
	}
	return result{}, fmt.Errorf("unknown op %q", r.Op)
}
