package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Server is a `dtfund serve` child process.
type Server struct {
	Cmd  *exec.Cmd
	Addr string // host:port
	URL  string // http://host:port
	done chan struct{}
	err  error // the exit status, once done is closed
}

var servingRE = regexp.MustCompile(`msg=serving addr=http://(\S+)`)

// StartServer starts `exe serve` with args (plus --addr 127.0.0.1:0 unless
// args set --addr) and env, its output going straight to logf (no pipe
// through this process, which would cost this process's CPU), and waits
// until the log says it listens.
func StartServer(ctx context.Context, exe string, args, env []string, logf *os.File) (*Server, error) {
	hasAddr := false
	for _, a := range args {
		hasAddr = hasAddr || strings.HasPrefix(a, "--addr")
	}
	if !hasAddr {
		args = append(args, "--addr", "127.0.0.1:0")
	}
	offset, err := logf.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, append([]string{"serve"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &Server{Cmd: cmd, done: make(chan struct{})}
	go func() {
		s.err = cmd.Wait()
		close(s.done)
	}()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if m := servingRE.FindSubmatch(readFrom(logf.Name(), offset)); m != nil {
			s.Addr = string(m[1])
			s.URL = "http://" + s.Addr
			return s, nil
		}
		select {
		case <-s.done:
			return nil, fmt.Errorf("dtfund serve exited before listening (%v); see %s", s.err, logf.Name())
		case <-ctx.Done():
			s.Kill()
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.Kill()
			return nil, fmt.Errorf("dtfund serve did not listen within 60 s; see %s", logf.Name())
		}
	}
}

// readFrom reads a file from offset (what a process wrote since).
func readFrom(path string, offset int64) []byte {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return nil
	}
	b, _ := io.ReadAll(io.LimitReader(f, 1<<20))
	return b
}

// Stop ends the server gracefully (SIGTERM) and waits.
func (s *Server) Stop() error {
	s.Cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		s.Kill()
	}
	return s.err
}

// Kill ends the server with SIGKILL (no chance to finish anything) and
// waits for it to be gone.
func (s *Server) Kill() {
	s.Cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
}

// Done is closed when the process has exited.
func (s *Server) Done() <-chan struct{} { return s.done }

// Memory is a process's resident memory from /proc/<pid>/status, in KiB.
type Memory struct {
	RSS, HWM int64 // VmRSS now, VmHWM (the peak)
}

// ReadMemory reads the memory figures of process pid.
func ReadMemory(pid int) (Memory, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return Memory{}, err
	}
	defer f.Close()
	var m Memory
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		fields := strings.Fields(v)
		if len(fields) == 0 {
			continue
		}
		n, _ := strconv.ParseInt(fields[0], 10, 64)
		switch k {
		case "VmRSS":
			m.RSS = n
		case "VmHWM":
			m.HWM = n
		}
	}
	return m, sc.Err()
}

// memorySampler records the highest VmRSS of a process per phase.
type memorySampler struct {
	pid   int
	mu    sync.Mutex
	phase string
	peak  map[string]int64
	stop  chan struct{}
	done  chan struct{}
}

func sampleMemory(pid int) *memorySampler {
	m := &memorySampler{pid: pid, peak: map[string]int64{}, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(m.done)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			if mem, err := ReadMemory(pid); err == nil {
				m.mu.Lock()
				if mem.RSS > m.peak[m.phase] {
					m.peak[m.phase] = mem.RSS
				}
				m.mu.Unlock()
			}
			select {
			case <-m.stop:
				return
			case <-t.C:
			}
		}
	}()
	return m
}

// enter starts a phase; the samples from now on count for it.
func (m *memorySampler) enter(phase string) {
	m.mu.Lock()
	m.phase = phase
	m.mu.Unlock()
}

// peakMiB is the highest VmRSS seen in the phase, in MiB.
func (m *memorySampler) peakMiB(phase string) float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return float64(m.peak[phase]) / 1024
}

func (m *memorySampler) close() {
	close(m.stop)
	<-m.done
}
