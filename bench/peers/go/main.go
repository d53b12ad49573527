// Go peer for bench/compare.sh: python_peer.py's protocol subset on gorilla/websocket (device WebSocket) and net/http (OTA).
package main

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

const frame = 60 * time.Millisecond

var downlink = map[string]any{"format": "opus", "sample_rate": 24000, "channels": 1, "frame_duration": 60}

var upgrader = websocket.Upgrader{
	CheckOrigin:       func(*http.Request) bool { return true },
	EnableCompression: false,
	WriteBufferPool:   &sync.Pool{}, // no write buffer kept by an idle connection
}

func otaHandler(wsURL string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/xiaozhi/ota/" {
			http.NotFound(w, r)
			return
		}
		if r.Method != http.MethodPost {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		var body struct {
			Application struct {
				Version any `json:"version"`
			} `json:"application"`
		}
		version := "1.0.0"
		if json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&body) == nil {
			if v, ok := body.Application.Version.(string); ok {
				version = v
			}
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		json.NewEncoder(w).Encode(map[string]any{
			"server_time": map[string]any{"timestamp": time.Now().UnixMilli(), "timezone_offset": 480},
			"firmware":    map[string]any{"version": version, "url": ""},
			"websocket":   map[string]any{"url": wsURL},
		})
	}
}

// session is one device connection; mu serialises writes and guards reply.
type session struct {
	conn  *websocket.Conn
	id    string
	mu    sync.Mutex
	reply *reply // the reply being spoken, nil when none
}

type reply struct{ cancel chan struct{} }

func newSessionID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func (s *session) writeJSON(message map[string]any) error {
	text, _ := json.Marshal(message)
	return s.conn.WriteMessage(websocket.TextMessage, text)
}

// speak sends the echo of packets, frame i at start + i * 60 ms, unless r is cancelled.
func (s *session) speak(r *reply, packets [][]byte) {
	seconds := float64(len(packets)) * frame.Seconds()
	s.mu.Lock()
	s.writeJSON(map[string]any{"type": "stt", "session_id": s.id,
		"text": fmt.Sprintf("heard %.1f s of audio in %d frames", seconds, len(packets))})
	s.writeJSON(map[string]any{"type": "tts", "session_id": s.id, "state": "start"})
	s.writeJSON(map[string]any{"type": "tts", "session_id": s.id, "state": "sentence_start",
		"text": fmt.Sprintf("echo of %.1f s", seconds)})
	s.mu.Unlock()
	start := time.Now()
	timer := time.NewTimer(time.Hour)
	timer.Stop() // never fired: Reset below needs no drain
	defer timer.Stop()
	for i, packet := range packets {
		if delay := time.Until(start.Add(time.Duration(i) * frame)); delay > 0 {
			timer.Reset(delay)
			select {
			case <-timer.C:
			case <-r.cancel:
				return
			}
		}
		s.mu.Lock()
		if s.reply != r {
			s.mu.Unlock()
			return
		}
		err := s.conn.WriteMessage(websocket.BinaryMessage, packet)
		s.mu.Unlock()
		if err != nil {
			return
		}
	}
	s.mu.Lock()
	if s.reply == r {
		s.reply = nil
		s.writeJSON(map[string]any{"type": "tts", "session_id": s.id, "state": "stop"})
	}
	s.mu.Unlock()
}

// stopReply cancels the reply being spoken, if any; s.mu must be held.
func (s *session) stopReply() bool {
	if s.reply == nil {
		return false
	}
	close(s.reply.cancel)
	s.reply = nil
	return true
}

func (s *session) run() {
	var heard [][]byte // packets of the turn in progress, nil outside a turn
	defer func() {
		s.mu.Lock()
		s.stopReply()
		s.mu.Unlock()
	}()
	for {
		kind, data, err := s.conn.ReadMessage()
		if err != nil {
			return
		}
		if kind == websocket.BinaryMessage {
			if heard != nil && len(data) > 0 {
				heard = append(heard, data)
			}
			continue
		}
		var text struct{ Type, State string }
		if json.Unmarshal(data, &text) != nil {
			continue
		}
		switch {
		case text.Type == "hello":
			if s.id == "" {
				s.id = newSessionID()
			}
			s.mu.Lock()
			s.writeJSON(map[string]any{"type": "hello", "version": 1, "transport": "websocket",
				"session_id": s.id, "audio_params": downlink})
			s.mu.Unlock()
		case text.Type == "listen" && text.State == "start":
			heard = make([][]byte, 0, 32)
		case text.Type == "listen" && text.State == "stop" && heard != nil:
			packets := heard
			heard = nil
			if len(packets) > 0 {
				r := &reply{cancel: make(chan struct{})}
				s.mu.Lock()
				s.stopReply()
				s.reply = r
				s.mu.Unlock()
				go s.speak(r, packets)
			}
		case text.Type == "abort":
			s.mu.Lock()
			if s.stopReply() {
				s.writeJSON(map[string]any{"type": "tts", "session_id": s.id, "state": "stop"})
			}
			s.mu.Unlock()
		}
	}
}

func deviceHandler(w http.ResponseWriter, r *http.Request) {
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer conn.Close()
	if strings.TrimRight(r.URL.Path, "/") != "/xiaozhi/v1" {
		conn.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(websocket.ClosePolicyViolation, "unknown path"),
			time.Now().Add(time.Second))
		conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		for { // the closing handshake: until the device's close frame
			if _, _, err := conn.NextReader(); err != nil {
				return
			}
		}
	}
	conn.SetReadLimit(64 << 10)
	(&session{conn: conn}).run()
}

func serve(port int, handler http.Handler) {
	listener, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		log.Fatal(err)
	}
	server := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(server.Serve(listener))
}

func main() {
	if len(os.Args) != 3 {
		log.Fatal("usage: go_peer WS_PORT HTTP_PORT")
	}
	wsPort, err1 := strconv.Atoi(os.Args[1])
	httpPort, err2 := strconv.Atoi(os.Args[2])
	if err1 != nil || err2 != nil {
		log.Fatal("usage: go_peer WS_PORT HTTP_PORT")
	}
	go serve(httpPort, otaHandler(fmt.Sprintf("ws://127.0.0.1:%d/xiaozhi/v1/", wsPort)))
	serve(wsPort, http.HandlerFunc(deviceHandler))
}
