package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/internal/influx"
	"github.com/influxframe/influxframe/sink"
	"github.com/influxframe/influxframe/transform"
)

// Exit codes, as the README documents them.
const (
	exitOK       = 0
	exitFailure  = 1 // server unreachable, bad credentials, I/O
	exitUsage    = 2
	exitDataLoss = 3 // data problems: rows rejected, mixed columns, bad input
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// streams are the command's standard streams and environment, injected so
// that tests can capture them.
type streams struct {
	in      io.Reader
	out     io.Writer
	err     io.Writer
	environ []string
}

// isTerminal reports whether w is a terminal (for live progress).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// usageError is a command-line mistake: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// dataError means the command ran but some input could not be used: exit 3.
type dataError struct{ msg string }

func (e *dataError) Error() string { return e.msg }

const topUsage = `influxframe moves tabular data in and out of InfluxDB without losing any of it.

Usage:
  influxframe import   [flags] FILE...         load CSV/Arrow/Parquet ('-' = stdin, .gz, URL) into InfluxDB
  influxframe validate [flags] FILE...         infer, normalise and report; writes nothing
  influxframe convert  [flags] FILE --out OUT  normalise offline to .arrow, .parquet, .lp or .csv
  influxframe query    [flags] FLUX|@FILE      run Flux; print a table or --out a file
  influxframe version

Run 'influxframe COMMAND --help' for a command's flags.

Exit codes: 0 done and nothing lost; 1 failure (server, credentials, I/O);
2 usage error; 3 data problems (rows rejected: see the rejects file).
`

// run executes one command line and returns the exit code. Only main exits.
func run(ctx context.Context, args []string, s *streams) int {
	if len(args) == 0 {
		fmt.Fprint(s.err, topUsage)
		return exitUsage
	}
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "import":
		err = runImport(ctx, rest, s)
	case "validate":
		err = runValidate(ctx, rest, s)
	case "convert":
		err = runConvert(ctx, rest, s)
	case "query":
		err = runQuery(ctx, rest, s)
	case "version", "--version":
		fmt.Fprintln(s.out, "influxframe", version)
	case "help", "-h", "--help":
		fmt.Fprint(s.out, topUsage)
	default:
		err = usagef("unknown command %q", cmd)
	}
	return report(err, s.err)
}

// report prints err (if any) and maps it to the documented exit code. It is
// the one place where errors become exit codes.
func report(err error, w io.Writer) int {
	if err == nil || errors.Is(err, pflag.ErrHelp) {
		return exitOK
	}
	var (
		ue *usageError
		de *dataError
		pe *frame.ParseError
		se *transform.SchemaError
		ie *sink.IncompleteError
		ve *sink.VerifyError
		fe *sink.PreflightError
	)
	msg := err.Error()
	if !strings.HasPrefix(msg, "influxframe") {
		msg = "influxframe: " + msg
	}
	fmt.Fprintln(w, msg)
	switch {
	case errors.As(err, &ue):
		fmt.Fprintln(w, "Run 'influxframe --help' for usage.")
		return exitUsage
	case errors.Is(err, influx.ErrUnauthorized), errors.Is(err, influx.ErrUnreachable),
		errors.Is(err, influx.ErrConfig), errors.Is(err, influx.ErrNotFound):
		return exitFailure
	case errors.As(err, &ie):
		if ie.Cause != nil {
			return exitFailure
		}
		return exitDataLoss
	case errors.As(err, &de), errors.As(err, &pe), errors.As(err, &se), errors.As(err, &ve), errors.As(err, &fe),
		errors.Is(err, transform.ErrNoTimeColumn), errors.Is(err, transform.ErrNoFields),
		errors.Is(err, transform.ErrNoColumn):
		return exitDataLoss
	case errors.Is(err, transform.ErrOptions), errors.Is(err, sink.ErrJournal):
		return exitUsage
	default:
		return exitFailure
	}
}

// command is one subcommand's flag set and help text.
type command struct {
	fs    *pflag.FlagSet
	usage string // synopsis, description and examples, before the flags
}

// newCommand returns a command whose flag set reports errors instead of
// exiting and prints nothing by itself.
func newCommand(name, usage string) *command {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false
	fs.Usage = func() {}
	return &command{fs: fs, usage: usage}
}

// parse parses args. --help prints the command's help on stdout and returns
// pflag.ErrHelp; a bad flag is a usage error.
func (c *command) parse(args []string, s *streams) error {
	err := c.fs.Parse(args)
	if errors.Is(err, pflag.ErrHelp) {
		fmt.Fprintf(s.out, "%s\nFlags:\n%s", c.usage, c.fs.FlagUsages())
		return err
	}
	if err != nil {
		return usagef("%s: %v", c.fs.Name(), err)
	}
	return nil
}
