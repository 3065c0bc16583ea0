// Command tlog runs Go's own golang.org/x/mod/sumdb/tlog (pinned in ../go.mod) for the tests of
// config/tlog/tiles.ts (test/config/tiles-go.test.ts), so both compute tiles, roots and proofs
// alike.
//
// It reads one JSON request on stdin and prints one JSON result:
//
//	{"entries": [b64...], "sizes": [s...], "records": [[t, n]...], "trees": [[t, n]...], "indexes": [N...],
//	 "dir": d, "dirSize": s, "dirRoot": b64}
//
// entries are stored with tlog.StoredHashes in memory. For each size: tlog.TreeHash and the tiles
// of tlog.NewTiles(8, 0, size) with their tlog.ReadTileData bytes. records and trees are
// tlog.ProveRecord(t, n) and tlog.ProveTree(t, n) (over the entries unless dir is given). indexes gives tlog.Tile{H: 8}.Path() for
// L = 0 and L = -1 (data tiles), widths 256 and 7. With dir, the same proofs again, but from
// tlog.TileHashReader over the tile files in dir for the tree (dirSize, dirRoot), which checks
// every tile it reads against that root.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
)

type request struct {
	Entries [][]byte   `json:"entries"`
	Sizes   []int64    `json:"sizes"`
	Records [][2]int64 `json:"records"`
	Trees   [][2]int64 `json:"trees"`
	Indexes []int64    `json:"indexes"`
	Dir     string     `json:"dir"`
	DirSize int64      `json:"dirSize"`
	DirRoot []byte     `json:"dirRoot"`
}

type tile struct {
	Path string `json:"path"`
	Data []byte `json:"data"`
}

type result struct {
	Roots     [][]byte   `json:"roots"`
	Tiles     [][]tile   `json:"tiles"`
	Records   [][]string `json:"records"`
	Trees     [][]string `json:"trees"`
	Paths     [][]string `json:"paths"`
	DirRecord [][]string `json:"dirRecords"`
	DirTree   [][]string `json:"dirTrees"`
	Error     string     `json:"error,omitempty"`
}

type store []tlog.Hash

func (s *store) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		if x >= int64(len(*s)) {
			return nil, fmt.Errorf("hash %d not stored", x)
		}
		out[i] = (*s)[x]
	}
	return out, nil
}

// dirTiles reads C2SP tile paths: Go's tile/8/L/N is tile/L/N there.
type dirTiles string

func (d dirTiles) Height() int { return 8 }
func (d dirTiles) ReadTiles(ts []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(ts))
	for i, t := range ts {
		b, err := os.ReadFile(filepath.Join(string(d), strings.Replace(t.Path(), "tile/8/", "tile/", 1)))
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}
func (d dirTiles) SaveTiles([]tlog.Tile, [][]byte) {}

func main() {
	var r request
	if err := json.NewDecoder(os.Stdin).Decode(&r); err != nil {
		fmt.Fprintln(os.Stderr, "tlog: stdin is not a JSON request:", err)
		os.Exit(2)
	}
	res, err := run(r)
	if err != nil {
		res = result{Error: err.Error()}
	}
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		os.Exit(1)
	}
}

func proofs(hr tlog.HashReader, records, trees [][2]int64) (rs, ts [][]string, err error) {
	for _, q := range records {
		p, err := tlog.ProveRecord(q[0], q[1], hr)
		if err != nil {
			return nil, nil, err
		}
		rs = append(rs, hexes(p))
	}
	for _, q := range trees {
		p, err := tlog.ProveTree(q[0], q[1], hr)
		if err != nil {
			return nil, nil, err
		}
		ts = append(ts, hexes(p))
	}
	return rs, ts, nil
}

func hexes(hs []tlog.Hash) []string {
	out := []string{}
	for _, h := range hs {
		out = append(out, fmt.Sprintf("%x", h[:]))
	}
	return out
}

func run(r request) (res result, err error) {
	s := &store{}
	for i, e := range r.Entries {
		hs, err := tlog.StoredHashes(int64(i), e, s)
		if err != nil {
			return res, err
		}
		*s = append(*s, hs...)
	}
	for _, size := range r.Sizes {
		h, err := tlog.TreeHash(size, s)
		if err != nil {
			return res, err
		}
		res.Roots = append(res.Roots, h[:])
		ts := []tile{}
		for _, t := range tlog.NewTiles(8, 0, size) {
			data, err := tlog.ReadTileData(t, s)
			if err != nil {
				return res, err
			}
			ts = append(ts, tile{t.Path(), data})
		}
		res.Tiles = append(res.Tiles, ts)
	}
	if r.Dir == "" {
		if res.Records, res.Trees, err = proofs(s, r.Records, r.Trees); err != nil {
			return res, err
		}
	}
	for _, n := range r.Indexes {
		var ps []string
		for _, l := range []int{0, -1} {
			for _, w := range []int{256, 7} {
				ps = append(ps, tlog.Tile{H: 8, L: l, N: n, W: w}.Path())
			}
		}
		res.Paths = append(res.Paths, ps)
	}
	if r.Dir != "" {
		var root tlog.Hash
		copy(root[:], r.DirRoot)
		hr := tlog.TileHashReader(tlog.Tree{N: r.DirSize, Hash: root}, dirTiles(r.Dir))
		if res.DirRecord, res.DirTree, err = proofs(hr, r.Records, r.Trees); err != nil {
			return res, err
		}
	}
	return res, nil
}
