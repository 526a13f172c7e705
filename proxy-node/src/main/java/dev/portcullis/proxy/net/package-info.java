/** The bottom of the proxy: which socket transport runs, and how a client connection is ended with a FATAL. */
package dev.portcullis.proxy.net;
