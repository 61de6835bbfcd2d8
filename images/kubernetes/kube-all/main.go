// kube-all runs the Kubernetes server programs and kubectl from one binary, the way busybox
// (or the old hyperkube) does: the program is picked by the name it is called by (a link
// named kube-apiserver, kubelet, ...) or, when called as kube-all, by its first argument.
// One binary instead of six holds the Go runtime, the API machinery and the generated API
// types once: 133 MB instead of 406 MB.
//
// Each program starts as its own cmd/<program> main does, with the same global flags: in
// one binary the init functions of all six programs' packages register their flags in the
// same two global sets (Go's flag.CommandLine and pflag.CommandLine), and kube-proxy and
// kubectl print and accept everything in them (cAdvisor's flags, the cloud providers').
// So each program keeps only the global flags its own binary has, listed below from this
// tree (a dump of both sets at the start of each cmd/<program> main, Kubernetes v1.20.2).
package main

import (
	goflag "flag"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	_ "k8s.io/client-go/plugin/pkg/client/auth" // kubectl's credential plugins, as in its main
	cliflag "k8s.io/component-base/cli/flag"
	// kubectl's own main uses k8s.io/kubectl/pkg/util/logs, which does what this one does but
	// registers the same --log-flush-frequency flag: both in one binary would panic at start
	"k8s.io/component-base/logs"
	_ "k8s.io/component-base/metrics/prometheus/clientgo" // metrics registered as the mains do
	_ "k8s.io/component-base/metrics/prometheus/restclient"
	_ "k8s.io/component-base/metrics/prometheus/version"
	kubectl "k8s.io/kubectl/pkg/cmd"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	proxy "k8s.io/kubernetes/cmd/kube-proxy/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
	kubelet "k8s.io/kubernetes/cmd/kubelet/app"
)

// Global flags, by the packages that register them.
var (
	klogFlags = []string{"add_dir_header", "alsologtostderr", "log_backtrace_at", "log_dir", "log_file",
		"log_file_max_size", "logtostderr", "one_output", "skip_headers", "skip_log_headers", "stderrthreshold", "v", "vmodule"}
	gceFlags        = []string{"cloud-provider-gce-l7lb-src-cidrs", "cloud-provider-gce-lb-src-cidrs"}
	tolerationFlags = []string{"default-not-ready-toleration-seconds", "default-unreachable-toleration-seconds"}
	cadvisorFlags   = []string{"application_metrics_count_limit", "boot_id_file", "container_hints", "containerd",
		"containerd-namespace", "disable_root_cgroup_stats", "docker", "docker-tls", "docker-tls-ca", "docker-tls-cert",
		"docker-tls-key", "docker_env_metadata_whitelist", "docker_only", "docker_root", "enable_load_reader",
		"event_storage_age_limit", "event_storage_event_limit", "global_housekeeping_interval", "housekeeping_interval",
		"log_cadvisor_usage", "machine_id_file", "referenced_reset_interval", "storage_driver_buffer_duration",
		"storage_driver_db", "storage_driver_host", "storage_driver_password", "storage_driver_secure",
		"storage_driver_table", "storage_driver_user", "update_machine_info_interval"}
)

func join(lists ...[]string) []string {
	var all []string
	for _, list := range lists {
		all = append(all, list...)
	}
	return all
}

type program struct {
	goFlags, pFlags []string // the global flags of the program's own binary
	command         func() *cobra.Command
}

// Each command function does what that program's main does before Execute.
var programs = map[string]program{
	"kube-apiserver": {
		join(klogFlags, gceFlags, tolerationFlags), []string{"log-flush-frequency", "version"},
		apiserver.NewAPIServerCommand,
	},
	"kube-controller-manager": {
		join(klogFlags, gceFlags, tolerationFlags), []string{"log-flush-frequency", "version"},
		controllermanager.NewControllerManagerCommand,
	},
	"kube-scheduler": {
		klogFlags, []string{"log-flush-frequency", "version"},
		func() *cobra.Command {
			command := scheduler.NewSchedulerCommand()
			pflag.CommandLine.SetNormalizeFunc(cliflag.WordSepNormalizeFunc)
			return command
		},
	},
	"kubelet": {
		join(klogFlags, gceFlags, cadvisorFlags), []string{"azure-container-registry-config", "log-flush-frequency", "version"},
		kubelet.NewKubeletCommand,
	},
	"kube-proxy": {
		klogFlags, []string{"log-flush-frequency", "version"},
		func() *cobra.Command {
			command := proxy.NewProxyCommand()
			pflag.CommandLine.SetNormalizeFunc(cliflag.WordSepNormalizeFunc)
			pflag.CommandLine.AddGoFlagSet(goflag.CommandLine)
			return command
		},
	},
	"kubectl": {
		klogFlags, []string{"log-flush-frequency"},
		func() *cobra.Command {
			command := kubectl.NewDefaultKubectlCommand()
			pflag.CommandLine.SetNormalizeFunc(cliflag.WordSepNormalizeFunc)
			pflag.CommandLine.AddGoFlagSet(goflag.CommandLine)
			return command
		},
	},
}

// keepGlobalFlags replaces both global flag sets by new ones holding only the named flags
// (the same flag objects, so the variables they set stay the same).
func keepGlobalFlags(goNames, pNames []string) {
	goSet := goflag.NewFlagSet(os.Args[0], goflag.ExitOnError)
	for _, name := range goNames {
		if f := goflag.CommandLine.Lookup(name); f != nil {
			goSet.Var(f.Value, f.Name, f.Usage)
		}
	}
	pSet := pflag.NewFlagSet(os.Args[0], pflag.ExitOnError)
	for _, name := range pNames {
		if f := pflag.CommandLine.Lookup(name); f != nil {
			pSet.AddFlag(f)
		}
	}
	goflag.CommandLine, pflag.CommandLine = goSet, pSet
}

func usage() {
	names := make([]string, 0, len(programs))
	for name := range programs {
		names = append(names, name)
	}
	sort.Strings(names)
	fmt.Fprintf(os.Stderr, "usage: kube-all PROGRAM [ARGS...], or a link to kube-all named PROGRAM\nPROGRAM: %s\n",
		strings.Join(names, ", "))
	os.Exit(2)
}

func main() {
	rand.Seed(time.Now().UnixNano())

	// called by a program's name (a link to kube-all), or as kube-all PROGRAM [ARGS...]
	p, ok := programs[filepath.Base(os.Args[0])]
	if !ok {
		if len(os.Args) < 2 {
			usage()
		}
		if p, ok = programs[os.Args[1]]; !ok {
			usage()
		}
		// from here on as if called by that name: cobra and kubectl's plugin lookup read os.Args
		os.Args = os.Args[1:]
	}

	keepGlobalFlags(p.goFlags, p.pFlags)
	command := p.command()
	logs.InitLogs()
	defer logs.FlushLogs()
	if err := command.Execute(); err != nil {
		os.Exit(1)
	}
}
