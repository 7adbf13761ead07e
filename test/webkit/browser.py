#!/usr/bin/python3
"""A minimal WebKitGTK browser for WebKitWebDriver, passed to it as the session's `binary`.

MiniBrowser would do, but its windows cannot be narrower than 447 px (a phone is 390) and its preferred
language cannot be chosen. This one opens windows of exactly --size, asks sites for --lang, keeps its
storage in --data-dir (service workers survive a reload), allows camera and microphone requests (the
devices are WebKit's mock ones) and, with --script (repeatable), runs those files in every page before the page's own
scripts. Started by test/webkit/session.ts; the driver adds its own arguments (ignored here).
"""
import argparse
import os
import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("WebKit2", "4.1")
from gi.repository import Gtk, WebKit2  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--data-dir", required=True)
parser.add_argument("--size", default="1280x800")
parser.add_argument("--lang", default="en-US")
parser.add_argument("--script", action="append", default=[])
options, _driver_args = parser.parse_known_args()
width, height = (int(n) for n in options.size.split("x"))
# For the test's teardown, in case the driver leaves this process behind.
with open(os.path.join(options.data_dir, "browser.pid"), "w", encoding="utf-8") as f:
    f.write(str(os.getpid()))

manager = WebKit2.WebsiteDataManager(
    base_data_directory=os.path.join(options.data_dir, "data"),
    base_cache_directory=os.path.join(options.data_dir, "cache"),
)
context = WebKit2.WebContext(website_data_manager=manager)
context.set_automation_allowed(True)
context.set_preferred_languages([options.lang])

settings = WebKit2.Settings(
    enable_media_stream=True,
    enable_mock_capture_devices=True,
    media_playback_requires_user_gesture=False,
    enable_developer_extras=True,
)

content = WebKit2.UserContentManager()
for script in options.script:
    with open(script, encoding="utf-8") as f:
        content.add_script(
            WebKit2.UserScript.new(
                f.read(),
                WebKit2.UserContentInjectedFrames.TOP_FRAME,
                WebKit2.UserScriptInjectionTime.START,
                None,
                None,
            )
        )


def allow(_view, request):
    request.allow()
    return True


def create_web_view(_session):
    view = WebKit2.WebView(
        web_context=context,
        settings=settings,
        user_content_manager=content,
        is_controlled_by_automation=True,
    )
    view.connect("permission-request", allow)
    window = Gtk.Window()
    # Fixed size: the viewport is the window (no toolbar), so the page sees exactly --size.
    window.set_size_request(width, height)
    window.set_resizable(False)
    window.add(view)
    window.connect("destroy", lambda _w: Gtk.main_quit())
    window.show_all()
    return view


def automation_started(_context, session):
    info = WebKit2.ApplicationInfo()
    info.set_name("p2p-call-webkit-test")
    session.set_application_info(info)
    session.connect("create-web-view", create_web_view)


context.connect("automation-started", automation_started)
Gtk.main()
sys.exit(0)
