// Command uploader runs Go's own uploader (golang.org/x/telemetry's Start with Upload set),
// so the tests can check that our collection server accepts reports from Go programs
// (test/go-interop/go-uploader.test.ts).
//
// Usage:
//
//	uploader proxy <dir> <version> <config.json>   writes a file-based module proxy at <dir>
//	                                               serving golang.org/x/telemetry/config@<version>
//	uploader                                       runs telemetry.Start with Upload: true, the
//	                                               directory $TT_GO_TELEMETRY_DIR and the URL
//	                                               $TT_UPLOAD_URL, and waits for the upload
//
// Start re-runs this binary as its child ("** telemetry **" argument), which is why the
// directory and URL come from the environment.
package main

import (
	"archive/zip"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/telemetry"
)

const configModule = "golang.org/x/telemetry/config"

func main() {
	if len(os.Args) == 5 && os.Args[1] == "proxy" {
		if err := proxy(os.Args[2], os.Args[3], os.Args[4]); err != nil {
			fmt.Fprintln(os.Stderr, "uploader:", err)
			os.Exit(1)
		}
		return
	}
	telemetry.Start(telemetry.Config{
		Upload:       true,
		TelemetryDir: os.Getenv("TT_GO_TELEMETRY_DIR"),
		UploadURL:    os.Getenv("TT_UPLOAD_URL"),
	}).Wait()
}

// proxy lays out GOPROXY=file://<dir> for one version of the config module: the version
// list, .info, .mod, and the module zip holding go.mod and config.json.
func proxy(dir, version, configFile string) error {
	config, err := os.ReadFile(configFile)
	if err != nil {
		return err
	}
	v := filepath.Join(dir, configModule, "@v")
	if err := os.MkdirAll(v, 0o755); err != nil {
		return err
	}
	gomod := []byte("module " + configModule + "\n\ngo 1.21\n")
	files := map[string][]byte{
		"list":            []byte(version + "\n"),
		version + ".info": []byte(fmt.Sprintf(`{"Version":%q,"Time":"2026-01-01T00:00:00Z"}`, version)),
		version + ".mod":  gomod,
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(v, name), data, 0o644); err != nil {
			return err
		}
	}
	f, err := os.Create(filepath.Join(v, version+".zip"))
	if err != nil {
		return err
	}
	defer f.Close()
	z := zip.NewWriter(f)
	for name, data := range map[string][]byte{"go.mod": gomod, "config.json": config} {
		w, err := z.Create(configModule + "@" + version + "/" + name)
		if err != nil {
			return err
		}
		if _, err := w.Write(data); err != nil {
			return err
		}
	}
	return z.Close()
}
