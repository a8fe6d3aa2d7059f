//! A stand-in for the browser's WebSocket: tests open, feed and drop it by hand.
export class FakeSocket {
  static instances: FakeSocket[] = [];
  readonly url: string;
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  closed = false;

  constructor(url: string) {
    this.url = url;
    FakeSocket.instances.push(this);
  }

  send(data: string) {
    this.sent.push(data);
  }

  close() {
    this.closed = true;
  }

  /// The server accepted the connection.
  open() {
    this.onopen?.();
  }

  /// The server sent a message.
  receive(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }

  /// The connection dropped.
  drop() {
    this.closed = true;
    this.onclose?.();
  }

  static latest(): FakeSocket {
    const socket = FakeSocket.instances.at(-1);
    if (!socket) throw new Error('no socket was opened');
    return socket;
  }

  static reset() {
    FakeSocket.instances = [];
  }
}
