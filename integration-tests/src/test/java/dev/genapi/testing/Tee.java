package dev.genapi.testing;

import java.io.IOException;
import java.io.OutputStream;

/** Writes to the console and to a capture: tests read what the stack printed, and humans still see it. */
public final class Tee extends OutputStream {

    private final OutputStream console;
    private final OutputStream capture;

    public Tee(OutputStream console, OutputStream capture) {
        this.console = console;
        this.capture = capture;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        console.write(b);
        capture.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        console.write(b, off, len);
        capture.write(b, off, len);
    }
}
