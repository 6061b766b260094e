package auth

import (
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/sm4"
)

// Keyring encrypts sensitive fields at rest with SM4-GCM and computes blind
// indexes with HMAC-SM3, from one master key kept outside the database.
type Keyring struct {
	aead  cipher.AEAD
	index []byte
}

// MasterKeySize is the size of the master key file's content in bytes.
const MasterKeySize = 32

// NewKeyring derives the field-encryption and blind-index keys from master.
func NewKeyring(master []byte) (*Keyring, error) {
	if len(master) != MasterKeySize {
		return nil, fmt.Errorf("auth: master key must be %d bytes, got %d", MasterKeySize, len(master))
	}
	block, err := sm4.NewCipher(derive(master, "kejiju field encryption")[:sm4.BlockSize])
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Keyring{aead: aead, index: derive(master, "kejiju blind index")}, nil
}

func derive(master []byte, label string) []byte {
	m := hmac.New(sm3.New, master)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// LoadOrCreateKey reads the master key (hex) from path, creating the file
// with a fresh random key (mode 0600) when it does not exist.
func LoadOrCreateKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		key := make([]byte, MasterKeySize)
		rand.Read(key)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, []byte(hex.EncodeToString(key)+"\n"), 0o600); err != nil {
			return nil, err
		}
		return key, nil
	}
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(string(trimSpace(b)))
	if err != nil || len(key) != MasterKeySize {
		return nil, fmt.Errorf("auth: %s does not hold a %d-byte hex key", path, MasterKeySize)
	}
	return key, nil
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r' || b[len(b)-1] == ' ') {
		b = b[:len(b)-1]
	}
	return b
}

// Seal encrypts plaintext bound to aad (e.g. "users:42:totp_secret", so a
// ciphertext cannot be moved to another row) and returns base64 text.
func (k *Keyring) Seal(plaintext, aad string) string {
	nonce := make([]byte, k.aead.NonceSize())
	rand.Read(nonce)
	out := k.aead.Seal(nonce, nonce, []byte(plaintext), []byte(aad))
	return base64.StdEncoding.EncodeToString(out)
}

// ErrTampered is returned when a sealed value fails authentication.
var ErrTampered = errors.New("auth: sealed value failed authentication")

// Open decrypts a value made by Seal with the same aad.
func (k *Keyring) Open(sealed, aad string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(sealed)
	n := k.aead.NonceSize()
	if err != nil || len(b) < n {
		return "", ErrTampered
	}
	pt, err := k.aead.Open(nil, b[:n], b[n:], []byte(aad))
	if err != nil {
		return "", ErrTampered
	}
	return string(pt), nil
}

// BlindIndex returns a keyed hash of a normalised value for equality lookup
// without storing the value in clear.
func (k *Keyring) BlindIndex(value string) string {
	m := hmac.New(sm3.New, k.index)
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil))
}
