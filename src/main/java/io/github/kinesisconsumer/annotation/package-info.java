/**
 * Stability labels of the API: {@link io.github.kinesisconsumer.annotation.PublicEvolving} marks
 * what users may build on, {@link io.github.kinesisconsumer.annotation.Internal} what they must
 * not. Every public type of the library carries one of them.
 */
package io.github.kinesisconsumer.annotation;
