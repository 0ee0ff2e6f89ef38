/** The choice of where the OAuth broker's state lives: in this process, or shared by replicas. */
package dev.portico.aggregator.storage;
