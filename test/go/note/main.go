// Command note runs Go's own golang.org/x/mod/sumdb/note (pinned in ../go.mod) for the tests of
// config/tlog/note.ts (test/config/note.test.ts), so both implementations see the same notes.
//
// It reads a JSON array of requests on stdin and prints a JSON array of results, one per request:
//
//	{"op": "gen", "name": n, "text": t}           -> {"signer", "verifier", "note"}: note.GenerateKey, then Sign
//	{"op": "sign", "signers": [k...], "text": t}  -> {"note"}: note.NewSigner for each key, then Sign
//	{"op": "open", "verifiers": [k...], "note": b} -> {"text", "verified": [names]}: NewVerifier, Open
//
// "note" in an open request is base64 (a JSON string cannot carry invalid UTF-8). Any failure
// gives {"error": "<Go's message>"} for that request.
package main

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"

	"golang.org/x/mod/sumdb/note"
)

type request struct {
	Op        string   `json:"op"`
	Name      string   `json:"name"`
	Text      string   `json:"text"`
	Signers   []string `json:"signers"`
	Verifiers []string `json:"verifiers"`
	Note      []byte   `json:"note"`
}

type result struct {
	Signer   string   `json:"signer,omitempty"`
	Verifier string   `json:"verifier,omitempty"`
	Note     string   `json:"note,omitempty"`
	Text     string   `json:"text,omitempty"`
	Verified []string `json:"verified,omitempty"`
	Error    string   `json:"error,omitempty"`
}

func main() {
	var reqs []request
	if err := json.NewDecoder(os.Stdin).Decode(&reqs); err != nil {
		fmt.Fprintln(os.Stderr, "note: stdin is not a JSON array of requests:", err)
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
	case "gen":
		skey, vkey, err := note.GenerateKey(rand.Reader, r.Name)
		if err != nil {
			return result{}, err
		}
		res, err := sign([]string{skey}, r.Text)
		return result{Signer: skey, Verifier: vkey, Note: res.Note}, err
	case "sign":
		return sign(r.Signers, r.Text)
	case "open":
		var vs []note.Verifier
		for _, k := range r.Verifiers {
			v, err := note.NewVerifier(k)
			if err != nil {
				return result{}, fmt.Errorf("verifier key: %w", err)
			}
			vs = append(vs, v)
		}
		n, err := note.Open(r.Note, note.VerifierList(vs...))
		if err != nil {
			return result{}, err
		}
		res := result{Text: n.Text}
		for _, s := range n.Sigs {
			res.Verified = append(res.Verified, s.Name)
		}
		return res, nil
	}
	return result{}, fmt.Errorf("unknown op %q", r.Op)
}

func sign(keys []string, text string) (result, error) {
	var ss []note.Signer
	for _, k := range keys {
		s, err := note.NewSigner(k)
		if err != nil {
			return result{}, fmt.Errorf("signer key: %w", err)
		}
		ss = append(ss, s)
	}
	msg, err := note.Sign(&note.Note{Text: text}, ss...)
	return result{Note: string(msg)}, err
}
