import type { AnyModule } from '../../engine/module-api.js';
import { apt } from './apt.js';
import { authorizedKey } from './authorized-key.js';
import { cron } from './cron.js';
import { dnf, yum } from './dnf.js';
import { firewalld } from './firewalld.js';
import { getent } from './getent.js';
import { hostname } from './hostname.js';
import { localeGen } from './locale-gen.js';
import { modprobe } from './modprobe.js';
import { packageModule } from './package.js';
import { seboolean } from './selinux-boolean.js';
import { service } from './service.js';
import { systemd } from './systemd.js';
import { ufw } from './ufw.js';

/** Packages, services, firewalls, SELinux, kernel. */
export const systemModules: AnyModule[] = [packageModule, apt, dnf, yum, systemd, service, ufw, firewalld, seboolean, hostname, modprobe, cron, localeGen, getent, authorizedKey];
