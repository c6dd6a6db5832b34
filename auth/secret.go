package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// Password lengths. bcrypt reads at most 72 bytes; a longer password would
// be cut short without a word, so it is refused instead.
const (
	MinPasswordLength = 10
	MaxPasswordBytes  = 72
)

// PasswordCost is bcrypt's work factor: about 50 ms a guess on the
// server's cores, which makes a stolen hash slow to attack.
var PasswordCost = 11

// ErrPasswordTooShort and ErrPasswordTooLong say why a password is refused.
var (
	ErrPasswordTooShort = fmt.Errorf("must be at least %d characters", MinPasswordLength)
	ErrPasswordTooLong  = fmt.Errorf("must be at most %d bytes", MaxPasswordBytes)
)

// CheckPasswordRules returns an error saying what a new password lacks.
func CheckPasswordRules(password string) error {
	switch {
	case utf8.RuneCountInString(password) < MinPasswordLength:
		return ErrPasswordTooShort
	case len(password) > MaxPasswordBytes:
		return ErrPasswordTooLong
	}
	return nil
}

// HashPassword returns the slow hash of a password that passes
// CheckPasswordRules.
func HashPassword(password string) (string, error) {
	if err := CheckPasswordRules(password); err != nil {
		return "", err
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), PasswordCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// dummyHash is compared against when a username names nobody, so that an
// unknown user takes as long to refuse as a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("no user has this password"), PasswordCost)

// PasswordMatches reports whether password is the one hash was made from.
// An empty hash (no such user) is compared against a dummy all the same.
func PasswordMatches(hash, password string) bool {
	if hash == "" {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
}

// A token is "svk_" + selector + "_" + secret. The selector finds the
// token's row; the secret is kept only as its SHA-256, compared in constant
// time. A leaked database therefore holds no usable token, and the time a
// comparison takes says nothing about how close a guess was. (A fast hash
// suffices: the secret is 32 random bytes, not a password.)
const tokenPrefix = "svk_"

// ErrMalformedToken is returned for a bearer token not of Samverkan's form.
var ErrMalformedToken = errors.New("the token is not a Samverkan token")

// NewToken returns a fresh token, the selector to store it under and the
// hash of its secret.
func NewToken() (token, selector string, secretHash []byte) {
	// The selector is hex, so the first "_" after the prefix ends it.
	sel, secret := hex.EncodeToString(randomBytes(9)), base64.RawURLEncoding.EncodeToString(randomBytes(32))
	sum := sha256.Sum256([]byte(secret))
	return tokenPrefix + sel + "_" + secret, sel, sum[:]
}

// ParseToken splits a token into the selector it is stored under and the
// hash of its secret.
func ParseToken(token string) (selector string, secretHash []byte, err error) {
	rest, ok := strings.CutPrefix(token, tokenPrefix)
	if !ok {
		return "", nil, ErrMalformedToken
	}
	sel, secret, ok := strings.Cut(rest, "_")
	if !ok || sel == "" || secret == "" {
		return "", nil, ErrMalformedToken
	}
	sum := sha256.Sum256([]byte(secret))
	return sel, sum[:], nil
}

// SecretMatches compares a stored secret hash with a presented one in
// constant time.
func SecretMatches(stored, presented []byte) bool {
	return subtle.ConstantTimeCompare(stored, presented) == 1
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on Linux
	return b
}
