// Command go-grpc-client calls a gRPC server on a unix socket with grpc-go, the library kubelet and
// the CSI sidecars use, so tests can show the driver's server answers that client as it expects.
//
// One call per input line, answered by one output line, in order:
//
//	in:  {"method": "/csi.v1.Identity/Probe", "request": "<base64 protobuf>", "timeoutMs": 5000}
//	out: {"code": 0, "message": "", "response": "<base64 protobuf>"}
//
// Messages pass through as bytes (a codec named "proto" that does not parse them): the test encodes
// and decodes them with the driver's own generated code, and grpc-go does the framing, headers,
// deadlines, flow control and status handling, as it does for kubelet.
package main

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/status"
)

type rawCodec struct{}

func (rawCodec) Marshal(v interface{}) ([]byte, error) { return *(v.(*[]byte)), nil }
func (rawCodec) Unmarshal(data []byte, v interface{}) error {
	*(v.(*[]byte)) = append([]byte(nil), data...)
	return nil
}
func (rawCodec) Name() string { return "proto" }

type call struct {
	Method    string `json:"method"`
	Request   string `json:"request"`
	TimeoutMs int    `json:"timeoutMs"`
}

type result struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	Response string `json:"response"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go-grpc-client SOCKET_PATH")
		os.Exit(2)
	}
	conn, err := grpc.Dial("unix://"+os.Args[1], grpc.WithInsecure(), grpc.WithDefaultCallOptions(grpc.ForceCodec(rawCodec{}), grpc.MaxCallSendMsgSize(64<<20)))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer conn.Close()
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 128<<20)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var c call
		if err := json.Unmarshal(in.Bytes(), &c); err != nil {
			fmt.Fprintln(os.Stderr, "bad input line:", err)
			os.Exit(2)
		}
		request, err := base64.StdEncoding.DecodeString(c.Request)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bad request encoding:", err)
			os.Exit(2)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Duration(c.TimeoutMs)*time.Millisecond)
		var response []byte
		callErr := conn.Invoke(ctx, c.Method, &request, &response)
		cancel()
		st, _ := status.FromError(callErr)
		if err := out.Encode(result{Code: int(st.Code()), Message: st.Message(), Response: base64.StdEncoding.EncodeToString(response)}); err != nil {
			os.Exit(1)
		}
	}
}
