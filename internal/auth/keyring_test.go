package auth

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func newKeyring(t *testing.T) *Keyring {
	t.Helper()
	master := make([]byte, MasterKeySize)
	rand.Read(master)
	k, err := NewKeyring(master)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestKeyringSealOpen(t *testing.T) {
	k := newKeyring(t)
	const aad = "users:42:totp_secret"
	for _, pt := range []string{"", "GEZDGNBVGY3TQOJQ", "340102199001011234", strings.Repeat("梧樟村", 100)} {
		sealed := k.Seal(pt, aad)
		if pt != "" && strings.Contains(sealed, pt) {
			t.Errorf("sealed %q contains the plaintext", sealed)
		}
		got, err := k.Open(sealed, aad)
		if err != nil || got != pt {
			t.Errorf("Open(Seal(%q)): got %q, %v", pt, got, err)
		}
		if again := k.Seal(pt, aad); again == sealed {
			t.Errorf("two seals of %q are equal: the nonce is not random", pt)
		}
	}

	sealed := k.Seal("secret", aad)
	raw, _ := base64.StdEncoding.DecodeString(sealed)
	tests := []struct {
		name, sealed, aad string
		keys              *Keyring
	}{
		{"other aad", sealed, "users:43:totp_secret", k},
		{"empty aad", sealed, "", k},
		{"other key", sealed, aad, newKeyring(t)},
		{"not base64", "%%%", aad, k},
		{"too short", base64.StdEncoding.EncodeToString(raw[:5]), aad, k},
		{"empty", "", aad, k},
	}
	for i := range raw {
		flipped := bytes.Clone(raw)
		flipped[i] ^= 0x01
		tests = append(tests, struct {
			name, sealed, aad string
			keys              *Keyring
		}{"byte flipped", base64.StdEncoding.EncodeToString(flipped), aad, k})
	}
	for _, tc := range tests {
		got, err := tc.keys.Open(tc.sealed, tc.aad)
		if !errors.Is(err, ErrTampered) {
			t.Errorf("%s: got %q, %v; want ErrTampered", tc.name, got, err)
		}
	}
}

func TestNewKeyringKeySize(t *testing.T) {
	for _, n := range []int{0, 16, 31, 33} {
		if _, err := NewKeyring(make([]byte, n)); err == nil {
			t.Errorf("NewKeyring(%d bytes): got nil error, want one", n)
		}
	}
}

func TestBlindIndex(t *testing.T) {
	k1, k2 := newKeyring(t), newKeyring(t)
	a, b := k1.BlindIndex("340102199001011234"), k1.BlindIndex("340102199001011234")
	if a != b {
		t.Errorf("BlindIndex is not deterministic: %s, %s", a, b)
	}
	if len(a) != 64 {
		t.Errorf("BlindIndex length %d, want 64 hex digits (SM3)", len(a))
	}
	if c := k1.BlindIndex("340102199001011235"); c == a {
		t.Errorf("two values share the index %s", a)
	}
	if c := k2.BlindIndex("340102199001011234"); c == a {
		t.Errorf("two keys give the same index %s", a)
	}
}

func TestLoadOrCreateKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "master.key")
	k1, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := fi.Mode().Perm(); mode != 0o600 {
		t.Errorf("key file mode %o, want 600", mode)
	}
	k2, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(k1, k2) || len(k1) != MasterKeySize {
		t.Errorf("second load: got %x, want %x", k2, k1)
	}
	os.WriteFile(path, []byte("abcd\n"), 0o600)
	if _, err := LoadOrCreateKey(path); err == nil {
		t.Errorf("short key file: got nil error, want one")
	}
}
