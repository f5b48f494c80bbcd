package app

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"runtime"
	"strings"

	"golang.org/x/crypto/argon2"
)

// PasswordHasher hashes passwords with argon2id. Each hash costs MemoryKiB of
// memory, so concurrent hashing is bounded by a semaphore: a login storm
// queues instead of exhausting memory.
type PasswordHasher struct {
	Time      uint32
	MemoryKiB uint32
	Threads   uint8
	sem       chan struct{}
}

// NewPasswordHasher returns the production hasher: argon2id t=1, 64 MiB
// (RFC 9106's second recommended option), two lanes, and as many hashes at
// once as the CPUs can run side by side, at most two: each hash keeps two
// CPUs busy, so on two CPUs a second concurrent hash would add 64 MiB of
// memory and no throughput.
func NewPasswordHasher() *PasswordHasher {
	const threads = 2
	concurrent := min(2, max(1, runtime.GOMAXPROCS(0)/threads))
	return &PasswordHasher{Time: 1, MemoryKiB: 64 * 1024, Threads: threads, sem: make(chan struct{}, concurrent)}
}

// bigHashKiB is the memory from which a hash is followed by a collection.
const bigHashKiB = 8 * 1024

// NewTestPasswordHasher is cheap, for tests and benchmarks only.
func NewTestPasswordHasher() *PasswordHasher {
	return &PasswordHasher{Time: 1, MemoryKiB: 64, Threads: 1, sem: make(chan struct{}, 8)}
}

// Hash returns a PHC-format argon2id hash of the password.
func (h *PasswordHasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key, err := h.derive(ctx, password, salt, h.Time, h.MemoryKiB, h.Threads)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, h.MemoryKiB, h.Time, h.Threads,
		b64(salt), b64(key)), nil
}

// Verify reports whether password matches the stored hash, using the
// parameters recorded in the hash itself.
func (h *PasswordHasher) Verify(ctx context.Context, password, encoded string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, fmt.Errorf("unsupported password hash format")
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false, fmt.Errorf("bad password hash parameters: %w", err)
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return false, fmt.Errorf("bad password hash encoding")
	}
	got, err := h.derive(ctx, password, salt, t, m, p)
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

func (h *PasswordHasher) derive(ctx context.Context, password string, salt []byte, t, m uint32, p uint8) ([]byte, error) {
	select {
	case h.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-h.sem }()
	key := argon2.IDKey([]byte(password), salt, t, m, p, 32)
	if m >= bigHashKiB {
		// The hash's memory is garbage now. Without a collection before the
		// next hash allocates its own, the heap holds both and the process's
		// resident memory peaks at twice the hash size per slot (measured:
		// 225 MiB instead of about 110 in the load benchmark). A collection
		// of the server's small heap costs about a millisecond next to the
		// hash's tens.
		runtime.GC()
	}
	return key, nil
}

func b64(b []byte) string { return base64.RawStdEncoding.EncodeToString(b) }
