package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/crmbot/crmbot/conversation"
)

// TestMain lets a test start this binary's main as a child process, to
// send it real signals.
func TestMain(m *testing.M) {
	if os.Getenv("CRMBOT_TEST_RUN_MAIN") == "1" {
		os.Args = append([]string{"crmbot"}, os.Args[1:]...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestSIGTERMReleasesStateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	cmd := exec.Command(os.Args[0], "demo", "--state", path)
	cmd.Env = append(os.Environ(), "CRMBOT_TEST_RUN_MAIN=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	// Talk to it once, so the state file is in use, then wait for the reply.
	if _, err := stdin.Write([]byte("new customer Signal Ltd\n")); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if strings.Contains(lines.Text(), "phone") {
			break
		}
	}

	// While it runs, a second opener is refused with a clear message.
	if _, err := conversation.OpenBolt(path, conversation.BoltOptions{LockTimeout: 100 * time.Millisecond}); err == nil ||
		!strings.Contains(err.Error(), "another process holds it") {
		t.Fatalf("second open while the bot runs: %v, want a held-file error", err)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("crmbot exited with %v after SIGTERM, want status 0", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("crmbot did not exit within 10s of SIGTERM")
	}

	s, err := conversation.OpenBolt(path, conversation.BoltOptions{LockTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatalf("reopen after SIGTERM: %v", err)
	}
	defer s.Close()
	var phase conversation.Phase
	err = s.View(t.Context(), func(tx conversation.Tx) error {
		st, _, err := tx.State("console:console:console")
		phase = st.Phase
		return err
	})
	if err != nil || phase != conversation.PhaseCollecting {
		t.Errorf("saved phase = %q (%v), want the conversation kept in collecting", phase, err)
	}
}
