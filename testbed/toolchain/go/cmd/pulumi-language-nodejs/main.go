// Command pulumi-language-nodejs is ovirt-lab's own, minimal Node.js language host for the Pulumi
// engine.
//
// Why it exists: the upstream language host lives in its own Go module
// (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) and the Go module proxy that
// this project can reach does not serve that module (every version answers 403). The engine
// (github.com/pulumi/pulumi/pkg/v3) and the SDK (github.com/pulumi/pulumi/sdk/v3) are served, so
// this host is written against the gRPC interface in sdk/v3/proto/go. All the real work of
// running a program is done by the npm package @pulumi/pulumi (its cmd/run entry point); this
// host only starts `node` on it with the flags and environment it documents, and reports
// which resource plugins the program's node_modules declare.
//
// Not implemented (they answer Unimplemented): program/project/package generation, Pack,
// Template, RunPlugin (Node.js-written plugins and policy packs), InstallDependencies (run
// `npm ci` yourself). Runtime options read from Pulumi.yaml: typescript, tsconfig, nodeargs.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// version is set with -ldflags "-X main.version=..." by testbed/toolchain/build.sh.
var version = "0.0.0-dev"

// exitCodeBail is what @pulumi/pulumi/cmd/run exits with after it has already shown the
// user an actionable error (nodeJSProcessExitedAfterLoggingUserActionableMessage).
const exitCodeBail = 32

func main() {
	fs := flag.NewFlagSet("pulumi-language-nodejs", flag.ContinueOnError)
	// Flags the engine may pass to every plugin (see buildPluginArguments in sdk/v3).
	_ = fs.Bool("logtostderr", false, "log to stderr (accepted, ignored)")
	_ = fs.Int("v", 0, "log verbosity (accepted, ignored)")
	tracing := fs.String("tracing", "", "a Zipkin-compatible tracing endpoint, passed on to the program")
	// Older engines passed runtime options as flags; accept them as defaults.
	typescript := fs.Bool("typescript", true, "run the program through ts-node")
	tsconfig := fs.String("tsconfig", "", "path of the tsconfig file")
	nodeargs := fs.String("nodeargs", "", "extra arguments for node")
	_ = fs.String("root", "", "project root (accepted, ignored)")
	_ = fs.String("packagemanager", "", "package manager (accepted, ignored)")
	if err := fs.Parse(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
		os.Exit(2)
	}
	engineAddr := ""
	if fs.NArg() > 0 {
		engineAddr = fs.Arg(fs.NArg() - 1)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Exit when the engine goes away, as the upstream hosts do.
	if engineAddr != "" {
		go func() {
			if err := rpcutil.Healthcheck(ctx, engineAddr, 5*time.Minute, cancel); err != nil {
				fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: could not start health check: %v\n", err)
			}
		}()
	}

	host := &nodeHost{
		engineAddr: engineAddr,
		tracing:    *tracing,
		defaults:   runtimeOptions{typescript: *typescript, tsconfig: *tsconfig, nodeargs: *nodeargs},
	}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: ctxDone(ctx),
		Init: func(s *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(s, host)
			return nil
		},
		Options: rpcutil.OpenTracingServerInterceptorOptions(nil),
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: could not start the gRPC server: %v\n", err)
		os.Exit(1)
	}
	// The engine reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
		os.Exit(1)
	}
}

func ctxDone(ctx context.Context) chan bool {
	c := make(chan bool, 1)
	go func() {
		<-ctx.Done()
		c <- true
	}()
	return c
}

type runtimeOptions struct {
	typescript bool
	tsconfig   string
	nodeargs   string
}

type nodeHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	engineAddr string
	tracing    string
	defaults   runtimeOptions
}

// options merges the runtime options from Pulumi.yaml (ProgramInfo.options) over the defaults.
func (h *nodeHost) options(info *pulumirpc.ProgramInfo) runtimeOptions {
	o := h.defaults
	if info == nil || info.GetOptions() == nil {
		return o
	}
	m := info.GetOptions().AsMap()
	if v, ok := m["typescript"].(bool); ok {
		o.typescript = v
	}
	if v, ok := m["tsconfig"].(string); ok {
		o.tsconfig = v
	}
	if v, ok := m["nodeargs"].(string); ok {
		o.nodeargs = v
	}
	return o
}

func programDir(info *pulumirpc.ProgramInfo, fallback string) string {
	if info != nil && info.GetProgramDirectory() != "" {
		return info.GetProgramDirectory()
	}
	return fallback
}

func (h *nodeHost) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	if req.GetEngineAddress() != "" {
		h.engineAddr = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *nodeHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (h *nodeHost) RuntimeOptionsPrompts(
	context.Context, *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

// pluginPackage is the part of an npm package.json that names a Pulumi resource plugin.
type pluginPackage struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Pulumi  *struct {
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		Server   string `json:"server"`
	} `json:"pulumi"`
}

// requiredPlugins walks <dir>/node_modules (scoped and nested too) and returns one entry per
// distinct resource plugin that an installed package declares in its package.json "pulumi" block.
func requiredPlugins(dir string) ([]*pulumirpc.PackageDependency, error) {
	seen := map[string]*pulumirpc.PackageDependency{}
	var walk func(nm string, depth int) error
	walk = func(nm string, depth int) error {
		if depth > 8 {
			return nil
		}
		entries, err := os.ReadDir(nm)
		if errors.Is(err, os.ErrNotExist) {
			return nil
		} else if err != nil {
			return err
		}
		for _, e := range entries {
			name := e.Name()
			if strings.HasPrefix(name, ".") {
				continue
			}
			p := filepath.Join(nm, name)
			if strings.HasPrefix(name, "@") {
				scoped, err := os.ReadDir(p)
				if err != nil {
					continue
				}
				for _, s := range scoped {
					if err := visit(filepath.Join(p, s.Name()), seen, walk, depth); err != nil {
						return err
					}
				}
				continue
			}
			if err := visit(p, seen, walk, depth); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(filepath.Join(dir, "node_modules"), 0); err != nil {
		return nil, err
	}
	out := make([]*pulumirpc.PackageDependency, 0, len(seen))
	for _, d := range seen {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Version < out[j].Version
	})
	return out, nil
}

func visit(pkgDir string, seen map[string]*pulumirpc.PackageDependency,
	walk func(string, int) error, depth int,
) error {
	st, err := os.Stat(pkgDir) // follows symlinks (npm workspaces, file: deps)
	if err != nil || !st.IsDir() {
		return nil
	}
	raw, err := os.ReadFile(filepath.Join(pkgDir, "package.json"))
	if err == nil {
		var pkg pluginPackage
		if json.Unmarshal(raw, &pkg) == nil && pkg.Pulumi != nil && pkg.Pulumi.Resource {
			name := pkg.Pulumi.Name
			if name == "" {
				name = strings.TrimPrefix(pkg.Name, "@pulumi/")
			}
			v := pkg.Pulumi.Version
			if v == "" {
				v = pkg.Version
			}
			if v != "" && !strings.HasPrefix(v, "v") {
				v = "v" + v
			}
			key := name + "@" + v
			if _, ok := seen[key]; !ok {
				seen[key] = &pulumirpc.PackageDependency{
					Name: name, Kind: "resource", Version: v, Server: pkg.Pulumi.Server,
				}
			}
		}
	}
	return walk(filepath.Join(pkgDir, "node_modules"), depth+1)
}

func (h *nodeHost) GetRequiredPackages(
	_ context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	deps, err := requiredPlugins(programDir(req.GetInfo(), "."))
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: deps}, nil
}

func (h *nodeHost) GetRequiredPlugins(
	_ context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	deps, err := requiredPlugins(programDir(req.GetInfo(), "."))
	if err != nil {
		return nil, err
	}
	out := make([]*pulumirpc.PluginDependency, 0, len(deps))
	for _, d := range deps {
		out = append(out, &pulumirpc.PluginDependency{
			Name: d.Name, Kind: d.Kind, Version: d.Version, Server: d.Server,
		})
	}
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: out}, nil
}

// resolveRunScript asks node where @pulumi/pulumi/cmd/run is, as seen from the program directory.
func resolveRunScript(ctx context.Context, dir string) (string, error) {
	cmd := exec.CommandContext(ctx, "node", "-e",
		"process.stdout.write(require.resolve('@pulumi/pulumi/cmd/run'))")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			stderr = strings.TrimSpace(string(ee.Stderr))
		}
		return "", fmt.Errorf("could not find @pulumi/pulumi from %s (run `npm ci` there first): %w %s",
			dir, err, stderr)
	}
	return strings.TrimSpace(string(out)), nil
}

func (h *nodeHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	dir := programDir(info, req.GetPwd())
	opts := h.options(info)

	runScript, err := resolveRunScript(ctx, dir)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	args := strings.Fields(opts.nodeargs)
	args = append(args, runScript, "--monitor="+req.GetMonitorAddress())
	if h.engineAddr != "" {
		args = append(args, "--engine="+h.engineAddr)
	}
	if v := req.GetProject(); v != "" {
		args = append(args, "--project="+v)
	}
	if v := req.GetStack(); v != "" {
		args = append(args, "--stack="+v)
	}
	if v := req.GetOrganization(); v != "" {
		args = append(args, "--organization="+v)
	}
	if v := req.GetPwd(); v != "" {
		args = append(args, "--pwd="+v)
	}
	if info != nil && info.GetRootDirectory() != "" {
		args = append(args, "--root-directory="+info.GetRootDirectory())
	}
	if req.GetParallel() > 0 {
		args = append(args, "--parallel="+strconv.Itoa(int(req.GetParallel())))
	}
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	if h.tracing != "" {
		args = append(args, "--tracing="+h.tracing)
	}
	entry := "."
	if info != nil && info.GetEntryPoint() != "" {
		entry = info.GetEntryPoint()
	} else if req.GetProgram() != "" {
		entry = req.GetProgram()
	}
	args = append(args, entry)
	args = append(args, req.GetArgs()...)

	config := req.GetConfig()
	if config == nil {
		config = map[string]string{}
	}
	configJSON, err := json.Marshal(config)
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}
	env := append(os.Environ(),
		"PULUMI_CONFIG="+string(configJSON),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretJSON),
		"PULUMI_NODEJS_TYPESCRIPT="+strconv.FormatBool(opts.typescript),
	)
	if opts.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+opts.tsconfig)
	}

	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	err = cmd.Run()
	if err == nil {
		return &pulumirpc.RunResponse{}, nil
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ee.ExitCode() == exitCodeBail {
			return &pulumirpc.RunResponse{Bail: true}, nil
		}
		return &pulumirpc.RunResponse{
			Error: fmt.Sprintf("Program exited with non-zero exit code: %d", ee.ExitCode()),
		}, nil
	}
	return &pulumirpc.RunResponse{Error: fmt.Sprintf("Problem executing program (could not run language executor): %v", err)}, nil
}

func (h *nodeHost) About(ctx context.Context, _ *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	exe, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("node not found on PATH: %w", err)
	}
	out, err := exec.CommandContext(ctx, exe, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("node --version: %w", err)
	}
	return &pulumirpc.AboutResponse{
		Executable: exe,
		Version:    strings.TrimPrefix(strings.TrimSpace(string(out)), "v"),
	}, nil
}

// GetProgramDependencies lists the direct dependencies in package.json with the versions
// installed under node_modules (or the declared range when a package is not installed).
func (h *nodeHost) GetProgramDependencies(
	_ context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	dir := programDir(req.GetInfo(), ".")
	raw, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		return nil, err
	}
	var pkg struct {
		Dependencies    map[string]string `json:"dependencies"`
		DevDependencies map[string]string `json:"devDependencies"`
	}
	if err := json.Unmarshal(raw, &pkg); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, "package.json"), err)
	}
	all := map[string]string{}
	for k, v := range pkg.Dependencies {
		all[k] = v
	}
	if req.GetTransitiveDependencies() {
		for k, v := range pkg.DevDependencies {
			all[k] = v
		}
	}
	names := make([]string, 0, len(all))
	for k := range all {
		names = append(names, k)
	}
	sort.Strings(names)
	deps := make([]*pulumirpc.DependencyInfo, 0, len(names))
	for _, n := range names {
		v := all[n]
		if b, err := os.ReadFile(filepath.Join(dir, "node_modules", n, "package.json")); err == nil {
			var p struct {
				Version string `json:"version"`
			}
			if json.Unmarshal(b, &p) == nil && p.Version != "" {
				v = p.Version
			}
		}
		deps = append(deps, &pulumirpc.DependencyInfo{Name: n, Version: v})
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}
