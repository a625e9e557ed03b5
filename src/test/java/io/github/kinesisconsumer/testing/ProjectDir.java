package io.github.kinesisconsumer.testing;

import java.io.File;

/** Locates the project root (the folder with pom.xml and scripts/). */
final class ProjectDir {

    private ProjectDir() {}

    static File root() {
        File dir = new File(System.getProperty("user.dir")).getAbsoluteFile();
        while (dir != null) {
            if (new File(dir, "scripts/services.sh").isFile()) {
                return dir;
            }
            dir = dir.getParentFile();
        }
        throw new IllegalStateException("cannot find scripts/services.sh above user.dir");
    }

    static File file(String relative) {
        return new File(root(), relative);
    }
}
